//! Rules on who may start and control sessions (SSM4xx), with the finding builders
//! and the help snippets' ARNs they share.

use crate::diagnostic::emit::Snippet;
use crate::rules::{qualifiers, Context, Finding, RuleMeta};
use crate::semantic::access::{principal_kind, Located, ManagedGrant};
use crate::semantic::Input;

pub mod ssm400_start_session_unrestricted;
pub mod ssm401_session_control_unscoped;
pub mod ssm402_trust_policy_allows_anyone;
pub mod ssm403_unknown_iam_action;

/// An ARN for a help snippet: `!Sub template_form` in a template, `policy_form` (plain
/// text, `aws` partition) in a policy file.
pub fn arn_for(cx: &Context<'_>, template_form: &str, policy_form: &str) -> Snippet {
    match cx.input() {
        Input::Template(_) => Snippet::sub(template_form),
        _ => Snippet::str(policy_form),
    }
}

/// A finding on the statement's resources: the message is "<holder> allows
/// <grant>", the `Fn::If` branches, then `consequence`; the actions get a secondary
/// label and the holding resource is recorded. `None` when the statement has no span.
pub fn statement_finding(
    located: &Located<'_>,
    meta: &'static RuleMeta,
    grant: &str,
    consequence: &str,
    labels: (&str, &str),
) -> Option<Finding> {
    let (label, action_label) = labels;
    let st = &located.statement;
    let span = st.resource_span.or(st.span)?;
    let when = st.when.clone();
    let holder = match located.holder {
        Some(r) => format!("a policy of `{}`", r.id),
        None => "this policy".to_string(),
    };
    let mut finding = Finding::new(
        meta,
        span,
        format!(
            "{holder} allows {grant}{}{consequence}",
            qualifiers(&when, None, &[])
        ),
    )
    .label(label);
    if let Some(a) = st.action_span.filter(|a| *a != span) {
        finding = finding.with_label(a, action_label);
    }
    if let Some(holder) = located.holder {
        finding = finding.resource(holder.id);
    }
    Some(finding)
}

/// A finding on an AWS managed policy that a human principal attaches: the message is
/// "<kind> `<id>` attaches the AWS managed policy <name>, which allows <grant>", the
/// `Fn::If` branches, then `consequence`; it points at the ARN in the template, with a
/// secondary label on the principal.
pub fn managed_finding(
    grant: &ManagedGrant<'_>,
    meta: &'static RuleMeta,
    what: &str,
    consequence: &str,
) -> Finding {
    let holder = grant.holder;
    let kind = principal_kind(holder);
    Finding::new(
        meta,
        grant.span,
        format!(
            "{kind} `{}` attaches the AWS managed policy {}, which allows {what}{}{consequence}",
            holder.id,
            grant.name,
            qualifiers(&grant.when, holder.condition, &[])
        ),
    )
    .label(format!("AWS managed policy {}", grant.name))
    .with_label(holder.id_span, format!("{kind} `{}` holds it", holder.id))
    .resource(holder.id)
}

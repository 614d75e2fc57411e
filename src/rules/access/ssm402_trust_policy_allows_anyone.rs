use crate::policy::{Effect, Tri};
use crate::rules::{qualifiers, Context, Finding, Rule, RuleInfo};

crate::declare_rule! {
    /// ## What it does
    /// Reports a role trust policy (or a standalone resource policy) with an `Allow`
    /// statement for `Principal: "*"` or `Principal: {AWS: "*"}` and no condition. An
    /// `Allow` with `NotPrincipal` (everyone except the principals named) counts too.
    ///
    /// ## Why is this bad?
    /// Any AWS account — anyone on the internet with an AWS account — can assume the role
    /// and act with its permissions. For an instance role that includes talking to
    /// Systems Manager as your instances.
    ///
    /// ## Example
    /// ```yaml
    /// AssumeRolePolicyDocument:
    ///   Statement:
    ///     - Effect: Allow
    ///       Principal: "*"
    ///       Action: sts:AssumeRole
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// AssumeRolePolicyDocument:
    ///   Statement:
    ///     - Effect: Allow
    ///       Principal: { Service: ec2.amazonaws.com }
    ///       Action: sts:AssumeRole
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html>
    pub struct TrustPolicyAllowsAnyone {
        code: "SSM402",
        name: "trust-policy-allows-anyone",
        category: Access,
        severity: Error,
        summary: "A role's trust policy lets any principal assume it, with no condition.",
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    }
}

impl Rule for TrustPolicyAllowsAnyone {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for located in cx.model.trust_statements() {
            let st = &located.statement;
            // `Allow` with `NotPrincipal` trusts everyone but the principals it names.
            let anyone = st.principal_anyone() || st.not_principal();
            let other_action = st.action_span.is_some()
                && st.covers_action("sts:AssumeRole") == Tri::No
                && located.holder.is_some();
            if st.effect != Effect::Allow
                || !anyone
                || !st.condition_keys().is_empty()
                || other_action
            {
                continue;
            }
            let Some(span) = st.principal_span().or(st.span) else {
                continue;
            };
            let when = st.when.clone();
            let what = match located.holder {
                Some(role) => format!("the trust policy of role `{}`", role.id),
                None => "this policy".to_string(),
            };
            let whom = if st.not_principal() {
                "every principal but those in `NotPrincipal`"
            } else {
                "any principal"
            };
            let mut finding = Finding::new(
                self.meta(),
                span,
                format!(
                    "{what} allows {whom}, with no condition{}: anyone with an AWS account can use it",
                    qualifiers(&when, located.holder.and_then(|r| r.condition), &[])
                ),
            )
            .label("any principal")
            .help(format!(
                "name who may assume the role:\n\n{}\n\nor keep the principal and add a condition such as `aws:PrincipalOrgID`",
                cx.style().show_pair(
                    "Principal",
                    &crate::diagnostic::emit::Snippet::map([(
                        "Service",
                        crate::diagnostic::emit::Snippet::str("ec2.amazonaws.com")
                    )])
                )
            ));
            if let Some(holder) = located.holder {
                finding = finding.resource(holder.id);
            }
            out.push(finding);
        }
    }
}

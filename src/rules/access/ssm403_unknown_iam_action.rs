use crate::aws_data::actions;
use crate::diagnostic::emit::Snippet;
use crate::policy::{Effect, Statement};
use crate::rules::{Context, Distinct, Finding, Rule, RuleInfo};
use crate::semantic::access::Located;

crate::declare_rule! {
    /// ## What it does
    /// Reports an action in a policy statement — `Action` or `NotAction` of an identity
    /// policy (inline `Policies`, `AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`, ...), a
    /// trust policy, a resource-based policy of the template (bucket, queue, topic, key
    /// and VPC endpoint policies, ...) or a standalone policy file — that matches no
    /// action of the Service Authorization Reference: a misspelt action
    /// (`ssm:StartSessions`, `s3:PutObjects`), an unknown service prefix
    /// (`ssmmessage:CreateControlChannel`, `ssmmessage:*`), or text that is not
    /// `service:action`. The help offers the closest action of the catalog.
    ///
    /// IAM compares actions case-insensitively, and so does this rule (`SSM:startsession`
    /// is fine). Wildcards are expanded against the catalog: `ssm:Start*` and `ssm*:*`
    /// (which covers `ssmmessages`) match actions, `ssm:StartSessions*` does not. The AWS
    /// managed policies' own documents are not checked. The catalog is the one embedded in
    /// this version of ssmlint (see below): an action AWS added after it reads as unknown
    /// until the data is refreshed.
    ///
    /// ## Why is this bad?
    /// IAM accepts a policy that names an action no service has, and that action grants
    /// nothing: the instance or user silently lacks the permission it was meant to get
    /// (the SSM Agent cannot open its channels, the logs are not written). In a `Deny` the
    /// mistake is worse — the action it meant to forbid stays allowed; in `NotAction` it
    /// excludes nothing, so the statement applies to every action.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Allow
    ///   Action:
    ///     - ssm:UpdateInstanceInformation
    ///     - ssmmessage:CreateControlChannel
    ///   Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - Effect: Allow
    ///   Action:
    ///     - ssm:UpdateInstanceInformation
    ///     - ssmmessages:CreateControlChannel
    ///   Resource: "*"
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    pub struct UnknownIamAction {
        code: "SSM403",
        name: "unknown-iam-action",
        category: Access,
        severity: Warning,
        summary: "A policy statement names an action that no AWS service has: it grants (or denies) nothing.",
        url: "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    }
}

impl Rule for UnknownIamAction {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut out = Distinct::new(out);
        let located = cx
            .model
            .identity_statements()
            .iter()
            .chain(cx.model.trust_statements())
            .chain(cx.model.resource_statements());
        // Templates repeat their actions (every role its `sts:AssumeRole`): each known
        // one is looked up in the catalog once.
        let mut matching: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for l in located {
            let st = &l.statement;
            for (pattern, &span) in st.actions.known.iter().zip(st.action_spans.iter()) {
                let pattern: &str = pattern;
                if matching.contains(pattern) {
                    continue;
                }
                if actions().matches_any(pattern) {
                    matching.insert(pattern);
                    continue;
                }
                if let Some(finding) = self.finding(cx, l, st, pattern, span) {
                    out.push(finding);
                }
            }
        }
    }

    fn uses_aws_data(&self) -> bool {
        true
    }
}

impl UnknownIamAction {
    /// The finding for a pattern that matches no action of the catalog.
    fn finding(
        &self,
        cx: &Context<'_>,
        located: &Located<'_>,
        st: &Statement<'_>,
        pattern: &str,
        span: crate::base::Span,
    ) -> Option<Finding> {
        let catalog = actions();
        let problem = match pattern.split_once(':') {
            None => format!("`{pattern}` is not an IAM action (`service:action`)"),
            Some((service, _)) if service.contains(['*', '?']) => {
                format!("`{pattern}` matches no IAM action")
            }
            Some((service, _)) => match catalog.service_name(service) {
                None => format!("`{pattern}` names the unknown service prefix `{service}`"),
                Some(name) => format!("`{pattern}` matches no action of `{service}` ({name})"),
            },
        };
        let effect = match (st.not_action, st.effect) {
            (true, _) => {
                "in `NotAction` it excludes nothing, so the statement applies to every action"
            }
            (false, Effect::Allow) => "it grants nothing",
            (false, Effect::Deny) => {
                "it denies nothing: the action it meant to forbid stays allowed"
            }
        };
        // `StartSession` alone: the services that have an action of that name.
        let named: Vec<&str> = if pattern.contains([':', '*', '?']) || pattern.is_empty() {
            Vec::new()
        } else {
            catalog.expand(&format!("*:{pattern}"))
        };
        let suggestion = catalog.suggest(pattern).or_else(|| match named.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        });
        let (label, help) = match (&suggestion, named.len()) {
            (Some(s), _) => (
                format!("did you mean `{s}`?"),
                format!(
                    "replace it with the action of the Service Authorization Reference:\n\n{}",
                    cx.style().show(&Snippet::str(s))
                ),
            ),
            (None, 2..=8) => (
                "no service prefix".to_string(),
                format!(
                    "an action is `service:Action`; these services have an action of that name: {}",
                    named.join(", ")
                ),
            ),
            (None, _) => (
                "no such IAM action".to_string(),
                "look the action up in the Service Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html); an action newer than ssmlint's catalog (`ssmlint --version`) reads as unknown until the data is refreshed".to_string(),
            ),
        };
        let mut finding = Finding::new(self.meta(), span, format!("{problem}: {effect}"))
            .label(label)
            .help(help);
        if let Some(holder) = located.holder {
            finding = finding.resource(holder.id);
        }
        Some(finding)
    }
}

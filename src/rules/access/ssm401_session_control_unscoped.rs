use super::{arn_for, managed_finding, statement_finding};
use crate::diagnostic::emit::Snippet;
use crate::policy::{wildcard_match, Effect, Statement, Tri};
use crate::rules::{Context, Finding, Rule, RuleInfo};

/// A session that belongs to somebody else.
const OTHERS_SESSION: &str =
    "arn:aws:ssm:us-east-1:111122223333:session/someone-else-0123456789abcdef0";
const CONTROL_ACTIONS: [&str; 2] = ["ssm:TerminateSession", "ssm:ResumeSession"];

crate::declare_rule! {
    /// ## What it does
    /// Reports an identity policy statement that allows `ssm:TerminateSession` or
    /// `ssm:ResumeSession` on sessions that are not limited to the caller's own
    /// (`arn:aws:ssm:*:*:session/${aws:username}-*`, or a condition on `${aws:userid}`).
    /// The AWS managed policies (AdministratorAccess, PowerUserAccess, AmazonSSMFullAccess,
    /// ... every one of the embedded data) that users, groups and roles people can assume
    /// attach count too: the finding then points at the policy's ARN.
    ///
    /// ## Why is this bad?
    /// Resuming another user's session hands over their shell, with their identity in the
    /// audit trail; terminating it lets one user cut off another's work or an incident
    /// responder. Users should control only the sessions they started.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Allow
    ///   Action: [ssm:TerminateSession, ssm:ResumeSession]
    ///   Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - Effect: Allow
    ///   Action: [ssm:TerminateSession, ssm:ResumeSession]
    ///   Resource: !Sub arn:${AWS::Partition}:ssm:*:*:session/${!aws:username}-*
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html>
    pub struct SessionControlUnscoped {
        code: "SSM401",
        name: "session-control-unscoped",
        category: Access,
        severity: Warning,
        summary: "A policy lets users terminate or resume sessions that are not their own.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html",
    }
}

/// The caller's own sessions, in the file's language: `!Sub` (with `${!…}` keeping the
/// policy variable) in a template, the plain ARN in a policy file.
fn own_sessions(cx: &Context<'_>) -> Snippet {
    arn_for(
        cx,
        "arn:${AWS::Partition}:ssm:*:*:session/${!aws:username}-*",
        "arn:aws:ssm:*:*:session/${aws:username}-*",
    )
}

/// The session control actions the statement allows on other users' sessions.
fn unscoped(st: &Statement<'_>) -> Vec<&'static str> {
    if st.effect != Effect::Allow || st.not_resource || st.condition_names_caller() {
        return Vec::new();
    }
    // A pattern naming `${aws:username}` does not match another user's session.
    let others = st
        .resources
        .known
        .iter()
        .any(|p| wildcard_match(p, OTHERS_SESSION));
    if !others {
        return Vec::new();
    }
    CONTROL_ACTIONS
        .into_iter()
        .filter(|a| st.covers_action(a) == Tri::Yes)
        .collect()
}

impl Rule for SessionControlUnscoped {
    fn uses_aws_data(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for located in cx.model.identity_statements() {
            let actions = unscoped(&located.statement);
            if actions.is_empty() {
                continue;
            }
            let Some(finding) = statement_finding(
                located,
                self.meta(),
                &format!("{} on other users' sessions", actions.join(" and ")),
                "",
                (
                    "not limited to the caller's sessions",
                    &format!("allows {}", actions.join(", ")),
                ),
            ) else {
                continue;
            };
            out.push(finding.help(format!(
                "limit it to the caller's own sessions:\n\n{}",
                cx.style().show_pair("Resource", &own_sessions(cx))
            )));
        }
        for grant in cx.model.human_managed_policies() {
            let mut actions: Vec<&str> = Vec::new();
            for st in grant.statements.iter() {
                for a in unscoped(st) {
                    if !actions.contains(&a) {
                        actions.push(a);
                    }
                }
            }
            if actions.is_empty() {
                continue;
            }
            let finding = managed_finding(
                grant,
                self.meta(),
                &format!("{} on other users' sessions", actions.join(" and ")),
                "",
            );
            let statement = Snippet::map([
                ("Effect", Snippet::str("Allow")),
                (
                    "Action",
                    Snippet::Seq(actions.iter().map(|a| Snippet::str(*a)).collect()),
                ),
                ("Resource", own_sessions(cx)),
            ]);
            out.push(finding.help(format!(
                "keep {} for break-glass principals; give people a policy that limits session control to their own sessions instead:\n\n{}",
                grant.name,
                cx.style().show(&Snippet::Seq(vec![statement]))
            )));
        }
    }
}

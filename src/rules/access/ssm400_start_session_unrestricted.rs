use super::statement_finding;
use crate::policy::{Effect, Tri};
use crate::rules::{Context, Finding, Rule, RuleInfo};
use crate::semantic::access::{covers_every_instance, scoped_by_tag};

crate::declare_rule! {
    /// ## What it does
    /// Reports an identity policy statement that allows `ssm:StartSession` (also through
    /// `ssm:Start*`, `ssm:*`, `*` or `NotAction`) on every instance (`*`,
    /// `arn:aws:ec2:*:*:instance/*`) without a condition on `ssm:resourceTag/…` or
    /// `aws:ResourceTag/…`. Statements in templates (inline `Policies`, policy resources)
    /// and standalone policy files are checked.
    ///
    /// ## Why is this bad?
    /// Session Manager replaces SSH keys with IAM: whoever holds this policy can open a
    /// shell on every managed instance in the account, production included. Scope
    /// sessions to the instances a team runs, by ID or by tag.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Allow
    ///   Action: ssm:StartSession
    ///   Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - Effect: Allow
    ///   Action: ssm:StartSession
    ///   Resource: !Sub arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*
    ///   Condition:
    ///     StringLike:
    ///       ssm:resourceTag/Team: ["web"]
    /// - Effect: Allow
    ///   Action: ssm:StartSession
    ///   Resource: !Sub arn:${AWS::Partition}:ssm:*:*:document/SSM-SessionManagerRunShell
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html>
    pub struct StartSessionUnrestricted {
        code: "SSM400",
        name: "start-session-unrestricted",
        category: Access,
        severity: Warning,
        summary: "A policy allows ssm:StartSession on every instance without a resource-tag condition.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html",
    }
}

impl Rule for StartSessionUnrestricted {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for located in cx.model.identity_statements() {
            let st = &located.statement;
            if st.effect != Effect::Allow
                || st.covers_action("ssm:StartSession") != Tri::Yes
                || covers_every_instance(st) != Tri::Yes
                || scoped_by_tag(st)
            {
                continue;
            }
            let Some(finding) = statement_finding(
                located,
                self.meta(),
                "ssm:StartSession on every instance with no resource-tag condition",
                ": its holders can open a shell anywhere",
                ("every instance", "allows ssm:StartSession"),
            ) else {
                continue;
            };
            let finding = finding.help("scope sessions by tag (or list instance ARNs):\n\n- Effect: Allow\n  Action: ssm:StartSession\n  Resource: !Sub arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*\n  Condition:\n    StringLike:\n      ssm:resourceTag/Team: [\"web\"]");
            out.push(finding);
        }
    }
}

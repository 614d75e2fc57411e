use super::{arn_for, managed_finding, statement_finding};
use crate::diagnostic::emit::Snippet;
use crate::policy::{Effect, Statement, Tri};
use crate::rules::{Context, Finding, Rule, RuleInfo};
use crate::semantic::access::{covers_every_instance, scoped_by_tag};

crate::declare_rule! {
    /// ## What it does
    /// Reports an identity policy statement that allows `ssm:StartSession` (also through
    /// `ssm:Start*`, `ssm:*`, `*` or `NotAction`) on every instance (`*`,
    /// `arn:aws:ec2:*:*:instance/*`) without a condition on `ssm:resourceTag/…` or
    /// `aws:ResourceTag/…`. Statements in templates (inline `Policies`, policy resources)
    /// and standalone policy files are checked, and so are the AWS managed policies
    /// (AdministratorAccess, PowerUserAccess, AmazonSSMFullAccess, ... every one of the
    /// embedded data) that users, groups and roles people can assume attach: the finding
    /// then points at the policy's ARN.
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

/// A statement that scopes sessions by tag, in the file's language: `!Sub` with the
/// partition and account in a template, a literal ARN in a policy file.
fn scoped_statement(cx: &Context<'_>) -> String {
    let instances = arn_for(
        cx,
        "arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*",
        "arn:aws:ec2:*:111122223333:instance/*",
    );
    let statement = Snippet::map([
        ("Effect", Snippet::str("Allow")),
        ("Action", Snippet::str("ssm:StartSession")),
        ("Resource", instances),
        (
            "Condition",
            Snippet::map([(
                "StringLike",
                Snippet::map([(
                    "ssm:resourceTag/Team",
                    Snippet::Seq(vec![Snippet::str("web")]),
                )]),
            )]),
        ),
    ]);
    cx.style().show(&Snippet::Seq(vec![statement]))
}

/// Whether the statement allows `ssm:StartSession` on every instance, with no condition
/// on resource tags.
fn unrestricted(st: &Statement<'_>) -> bool {
    st.effect == Effect::Allow
        && st.covers_action("ssm:StartSession") == Tri::Yes
        && covers_every_instance(st) == Tri::Yes
        && !scoped_by_tag(st)
}

impl Rule for StartSessionUnrestricted {
    fn uses_aws_data(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for located in cx.model.identity_statements() {
            if !unrestricted(&located.statement) {
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
            out.push(finding.help(format!(
                "scope sessions by tag (or list instance ARNs):\n\n{}",
                scoped_statement(cx)
            )));
        }
        for grant in cx.model.human_managed_policies() {
            if !grant.statements.iter().any(|st| unrestricted(st)) {
                continue;
            }
            let finding = managed_finding(
                grant,
                self.meta(),
                "ssm:StartSession on every instance with no resource-tag condition",
                ": its holders can open a shell anywhere",
            );
            out.push(finding.help(format!(
                "keep {} for break-glass principals; give people a policy that scopes sessions by tag (or lists instance ARNs) instead:\n\n{}",
                grant.name,
                scoped_statement(cx)
            )));
        }
    }
}

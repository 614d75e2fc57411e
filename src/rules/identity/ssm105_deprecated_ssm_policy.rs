use crate::base::Span;
use crate::rules::{qualifiers, Context, Edit, Finding, Fix, Rule, RuleInfo};
use crate::template::model::Resource;

/// Replaces the policy's name in the ARN as written (keeping its partition, `!Sub`,
/// quotes): `service-role/AmazonEC2RoleforSSM` → `AmazonSSMManagedInstanceCore`. Not when
/// the role attaches the core policy already, or the ARN is not written in the role.
fn fix(cx: &Context<'_>, role: &Resource<'_>, span: Span) -> Option<Fix> {
    let text = cx.source.text.get(span.start()..span.end())?;
    let role_text = cx
        .source
        .text
        .get(role.node.span.start()..role.node.span.end())?;
    let inside = role.node.span.start() <= span.start() && span.end() <= role.node.span.end();
    if !inside || text.contains('\n') || role_text.contains("AmazonSSMManagedInstanceCore") {
        return None;
    }
    let old = "service-role/AmazonEC2RoleforSSM";
    let at = text.find(old)?;
    if text.matches(old).count() != 1 {
        return None;
    }
    let start = span.start() + at;
    Some(Fix::safe(
        "attach AmazonSSMManagedInstanceCore instead",
        vec![Edit {
            span: Span::new(start, start + old.len()),
            text: "AmazonSSMManagedInstanceCore".into(),
        }],
    ))
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a role that attaches the AWS managed policy `AmazonEC2RoleforSSM`, in any
    /// partition or spelling of its ARN.
    ///
    /// ## Why is this bad?
    /// AWS has deprecated `AmazonEC2RoleforSSM`. Besides the agent's needs it grants
    /// `s3:GetObject`/`s3:PutObject` on every bucket and broad `ssm:*` rights, so a
    /// compromised instance can read and write data far beyond its own.
    /// `AmazonSSMManagedInstanceCore` grants exactly what the agent needs.
    ///
    /// ## Example
    /// ```yaml
    /// ManagedPolicyArns:
    ///   - arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// ManagedPolicyArns:
    ///   - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2RoleforSSM.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html>
    pub struct DeprecatedSsmPolicy {
        code: "SSM105",
        name: "deprecated-ssm-policy",
        category: IdentityChain,
        severity: Warning,
        summary: "The role attaches the deprecated AmazonEC2RoleforSSM managed policy.",
        url: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2RoleforSSM.html",
        fix: Sometimes,
    }
}

impl Rule for DeprecatedSsmPolicy {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for role in cx.resources_of_type(&[crate::semantic::identity::ROLE]) {
            let perms = cx.model.permissions(role);
            for attached in &perms.attached {
                if !attached
                    .aws_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case("AmazonEC2RoleforSSM"))
                {
                    continue;
                }
                let when = attached.when.clone();
                out.push(
                    Finding::new(
                        self.meta(),
                        attached.span,
                        format!(
                            "role `{}` attaches the deprecated AmazonEC2RoleforSSM{}: it grants broad S3 and SSM rights",
                            role.id,
                            qualifiers(&when, role.condition, &[])
                        ),
                    )
                    .label("deprecated managed policy")
                    .resource(role.id)
                    .fix(fix(cx, role, attached.span))
                    .help(format!(
                        "replace it with the policy made for Systems Manager instances:\n\n{}",
                        cx.style().show(&crate::diagnostic::emit::Snippet::Seq(vec![
                            crate::diagnostic::emit::Snippet::sub(super::CORE_POLICY_ARN)
                        ]))
                    )),
                );
            }
        }
    }
}

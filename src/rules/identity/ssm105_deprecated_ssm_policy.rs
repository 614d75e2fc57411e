use crate::rules::{qualifiers, Context, Finding, Rule, RuleInfo};

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
                    .help("replace it with the policy made for Systems Manager instances:\n\n- !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"),
                );
            }
        }
    }
}

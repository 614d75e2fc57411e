//! Rules on the identity chain (SSM1xx): instance → instance profile → role → permissions.

pub mod ssm100_instance_profile_missing;
pub mod ssm101_instance_profile_unresolved;
pub mod ssm102_instance_profile_without_role;
pub mod ssm103_role_lacks_ssm_permissions;
pub mod ssm104_role_not_trusted_by_ec2;
pub mod ssm105_deprecated_ssm_policy;
pub mod ssm106_external_instance_profile;

use crate::diagnostic::emit::{Snippet, Style};
pub use crate::rules::fresh_id;
use crate::rules::resource_snippet;

/// The rules that check only instances Session Manager can reach (their logging, their
/// connectivity): what a fix that completes an identity chain may rightly bring.
pub const REACHABLE: &[&str] = &[
    "SSM300", "SSM301", "SSM306", "SSM307", "SSM500", "SSM501", "SSM502",
];

/// The ARN of AmazonSSMManagedInstanceCore in any partition.
pub const CORE_POLICY_ARN: &str =
    "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore";

/// `ManagedPolicyArns` with AmazonSSMManagedInstanceCore, for a help text in `style`.
pub fn core_policy_arns(style: &Style) -> String {
    style.show_pair(
        "ManagedPolicyArns",
        &Snippet::Seq(vec![Snippet::sub(CORE_POLICY_ARN)]),
    )
}

/// The trust statement that lets the EC2 service principal `service` assume a role.
pub fn ec2_trust_statement(service: Snippet) -> Snippet {
    Snippet::map([
        ("Effect", Snippet::str("Allow")),
        ("Principal", Snippet::map([("Service", service)])),
        ("Action", Snippet::str("sts:AssumeRole")),
    ])
}

/// A trust policy (`AssumeRolePolicyDocument`) with just [`ec2_trust_statement`].
pub fn ec2_trust_policy(service: Snippet) -> Snippet {
    Snippet::map([
        ("Version", Snippet::str("2012-10-17")),
        (
            "Statement",
            Snippet::Seq(vec![ec2_trust_statement(service)]),
        ),
    ])
}

/// A role EC2 may assume with AmazonSSMManagedInstanceCore (the role SSM102's help
/// defines).
pub fn core_role() -> Snippet {
    resource_snippet(
        "AWS::IAM::Role",
        Snippet::map([
            (
                "AssumeRolePolicyDocument",
                ec2_trust_policy(Snippet::str("ec2.amazonaws.com")),
            ),
            (
                "ManagedPolicyArns",
                Snippet::Seq(vec![Snippet::sub(CORE_POLICY_ARN)]),
            ),
        ]),
    )
}

/// A role EC2 may assume with AmazonSSMManagedInstanceCore, and an instance profile of
/// it: the resources SSM100's fix (and help) adds.
pub fn core_role_resources(role: &str, profile: &str) -> Vec<(String, Snippet)> {
    let profile_snippet = resource_snippet(
        "AWS::IAM::InstanceProfile",
        Snippet::map([("Roles", Snippet::Seq(vec![Snippet::reference(role)]))]),
    );
    vec![
        (role.to_string(), core_role()),
        (profile.to_string(), profile_snippet),
    ]
}

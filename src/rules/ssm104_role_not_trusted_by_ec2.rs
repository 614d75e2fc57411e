use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it does
    /// TODO
    ///
    /// ## Why is this bad?
    /// TODO
    ///
    /// ## Example
    /// ```yaml
    /// TODO
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// TODO
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html>
    pub struct RoleNotTrustedByEc2 {
        code: "SSM104",
        name: "role-not-trusted-by-ec2",
        category: IdentityChain,
        severity: Error,
        summary: "The instance role's trust policy does not let ec2.amazonaws.com assume it.",
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
    }
}

impl Rule for RoleNotTrustedByEc2 {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

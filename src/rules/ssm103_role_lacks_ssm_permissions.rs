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
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html>
    pub struct RoleLacksSsmPermissions {
        code: "SSM103",
        name: "role-lacks-ssm-permissions",
        category: IdentityChain,
        severity: Error,
        summary: "The instance role does not allow the Session Manager core actions.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html",
    }
}

impl Rule for RoleLacksSsmPermissions {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

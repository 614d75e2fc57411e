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
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html>
    pub struct InstanceProfileMissing {
        code: "SSM100",
        name: "instance-profile-missing",
        category: IdentityChain,
        severity: Error,
        summary: "A compute resource has no instance profile, so the SSM Agent has no credentials.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
    }
}

impl Rule for InstanceProfileMissing {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

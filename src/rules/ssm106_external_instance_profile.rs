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
    pub struct ExternalInstanceProfile {
        code: "SSM106",
        name: "external-instance-profile",
        category: IdentityChain,
        severity: Info,
        summary: "The instance profile or role comes from outside the template and cannot be verified here.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
    }
}

impl Rule for ExternalInstanceProfile {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

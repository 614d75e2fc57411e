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
    /// - <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2RoleforSSM.html>
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
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

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
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-instanceprofile.html>
    pub struct InstanceProfileWithoutRole {
        code: "SSM102",
        name: "instance-profile-without-role",
        category: IdentityChain,
        severity: Error,
        summary: "The instance profile has no role, or its role reference is not an AWS::IAM::Role.",
        url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-instanceprofile.html",
    }
}

impl Rule for InstanceProfileWithoutRole {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

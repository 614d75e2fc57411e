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
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html#cfn-ec2-instance-iaminstanceprofile>
    pub struct InstanceProfileUnresolved {
        code: "SSM101",
        name: "instance-profile-unresolved",
        category: IdentityChain,
        severity: Error,
        summary: "The instance profile reference does not resolve to an AWS::IAM::InstanceProfile.",
        url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html#cfn-ec2-instance-iaminstanceprofile",
    }
}

impl Rule for InstanceProfileUnresolved {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

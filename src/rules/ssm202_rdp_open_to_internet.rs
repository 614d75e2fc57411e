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
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html>
    pub struct RdpOpenToInternet {
        code: "SSM202",
        name: "rdp-open-to-internet",
        category: NetworkExposure,
        severity: Error,
        summary: "A security group admits RDP (TCP 3389) from the whole internet.",
        url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
    }
}

impl Rule for RdpOpenToInternet {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

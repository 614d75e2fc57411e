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
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html>
    pub struct SshIngress {
        code: "SSM201",
        name: "ssh-ingress",
        category: NetworkExposure,
        severity: Warning,
        summary: "A security group admits SSH (TCP 22) from a narrower source; Session Manager makes it unnecessary.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
    }
}

impl Rule for SshIngress {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

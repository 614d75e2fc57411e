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
    /// - <https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html>
    pub struct SshOpenToInternet {
        code: "SSM200",
        name: "ssh-open-to-internet",
        category: NetworkExposure,
        severity: Error,
        summary: "A security group admits SSH (TCP 22) from the whole internet.",
        url: "https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html",
    }
}

impl Rule for SshOpenToInternet {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

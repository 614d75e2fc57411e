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
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
    pub struct NaclAllowsSshFromInternet {
        code: "SSM203",
        name: "nacl-allows-ssh-from-internet",
        category: NetworkExposure,
        severity: Warning,
        summary: "A network ACL entry allows SSH (TCP 22) in from the whole internet.",
        url: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
    }
}

impl Rule for NaclAllowsSshFromInternet {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

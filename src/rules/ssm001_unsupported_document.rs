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
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html>
    pub struct UnsupportedDocument {
        code: "SSM001",
        name: "unsupported-document",
        category: Input,
        severity: Error,
        summary: "A file named explicitly is neither a CloudFormation template nor an IAM policy document.",
        url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html",
    }
}

impl Rule for UnsupportedDocument {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

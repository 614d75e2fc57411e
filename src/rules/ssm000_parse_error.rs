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
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html>
    pub struct ParseErrorRule {
        code: "SSM000",
        name: "parse-error",
        category: Input,
        severity: Error,
        summary: "The file cannot be read or parsed.",
        url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html",
    }
}

impl Rule for ParseErrorRule {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

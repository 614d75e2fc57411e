use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that cannot be read or parsed: invalid YAML or JSON, a duplicate
    /// mapping key, a tag CloudFormation does not define (`!Reff`), text that is not UTF-8,
    /// or a document nested or aliased beyond sane limits. The finding points at the fault
    /// and, for a duplicate key, at the first definition too.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template, and nothing else in it can be checked. Other
    /// files are still linted; the run exits with code 2.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Bucket:
    ///     Type: AWS::S3::Bucket
    ///   Bucket:
    ///     Type: AWS::SQS::Queue
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// Resources:
    ///   Bucket:
    ///     Type: AWS::S3::Bucket
    ///   Queue:
    ///     Type: AWS::SQS::Queue
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>
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

use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a file named on the command line that parses but is neither a
    /// CloudFormation template (a mapping with `Resources` or `AWSTemplateFormatVersion`)
    /// nor an IAM policy document (a mapping with `Statement`). Files found by walking a
    /// directory are skipped silently instead.
    ///
    /// ## Why is this bad?
    /// You asked for this file to be checked and nothing in it could be: a typo in the
    /// path, a glob that matched the wrong files, or an empty template would otherwise
    /// pass unnoticed.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// # Lint templates only, or exclude the file:
    /// # ssmlint --exclude docker-compose.yaml .
    /// AWSTemplateFormatVersion: "2010-09-09"
    /// Resources:
    ///   Bucket:
    ///     Type: AWS::S3::Bucket
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
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

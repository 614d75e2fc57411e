use crate::rules::{Context, Finding, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a suppression that hides nothing: an entry of `Metadata: ssmlint: ignore`
    /// (on the template or on a resource), or a rule in a `# ssmlint: ignore[...]` comment,
    /// whose rule reports no finding where the suppression applies. It also reports a
    /// suppression that names no ssmlint rule (with a "did you mean"), and one that is
    /// malformed (an unknown key, a comment without brackets).
    ///
    /// Whether a suppression is used does not depend on the rules selected for the run:
    /// the rules that suppressions name are checked even when they are turned off.
    ///
    /// ## Why is this bad?
    /// Suppressions outlive the problems they were written for. A stale one hides the
    /// next real finding of that rule on that resource without anyone deciding so again,
    /// and a misspelt one never suppressed anything. Reporting them keeps the list of
    /// accepted risks short and true.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   WebServer:
    ///     Type: AWS::EC2::Instance
    ///     Metadata:
    ///       ssmlint:
    ///         ignore:
    ///           - rule: SSM100
    ///             reason: reached through the bastion until the migration
    ///     Properties:
    ///       IamInstanceProfile: !Ref SsmProfile   # SSM100 no longer fires
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// Resources:
    ///   WebServer:
    ///     Type: AWS::EC2::Instance
    ///     Properties:
    ///       IamInstanceProfile: !Ref SsmProfile
    /// ```
    ///
    /// To silence this rule in one place, suppress `SSM002` there; to turn it off, write
    /// `rules: {SSM002: off}` in `.ssmlint.yaml`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html>
    pub struct UnusedSuppression {
        code: "SSM002",
        name: "unused-suppression",
        category: Input,
        severity: Info,
        summary: "A suppression matches no finding, names an unknown rule, or is malformed.",
        url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html",
    }
}

impl Rule for UnusedSuppression {
    /// The findings are made where suppressions are applied (`crate::suppress`), after
    /// every other rule has run.
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

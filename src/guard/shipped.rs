//! The registry entries of the rules shipped as Guard files (`rules/*.guard`): their
//! documentation for `explain`, `rules` and SARIF. Their findings come from the Guard
//! engine ([`crate::guard`]), so `check` does nothing here.

use crate::rules::{Context, Finding, Rule};

/// The shipped Guard files, embedded in the binary: (path shown in messages, text).
pub const FILES: &[(&str, &str)] = &[
    (
        "rules/ssh-key-pair.guard",
        include_str!("../../rules/ssh-key-pair.guard"),
    ),
    (
        "rules/imdsv1-enabled.guard",
        include_str!("../../rules/imdsv1-enabled.guard"),
    ),
];

crate::declare_rule! {
    /// ## What it does
    /// Reports an instance, launch configuration (`KeyName`) or launch template
    /// (`LaunchTemplateData.KeyName`) that sets an EC2 key pair. A `KeyName` from a
    /// parameter default is reported (and the default labelled); one ssmlint cannot know
    /// (a parameter without default, an import) is not. With `!If`, each branch is
    /// checked and a finding names the condition; an empty string means no key pair.
    ///
    /// Written in Guard: `rules/ssh-key-pair.guard`.
    ///
    /// ## Why is this bad?
    /// With Session Manager, nobody needs an SSH key to reach the instance. A key pair
    /// keeps a second way in alive: a private key that can leak, be copied, and is not
    /// tied to an IAM identity, so its use is not audited like a session is.
    ///
    /// ## Example
    /// ```yaml
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     KeyName: !Ref KeyName        # parameter with Default: ops-key
    /// ```
    ///
    /// ## Fix
    /// Remove `KeyName` and connect with `aws ssm start-session --target <instance-id>`;
    /// or keep a key only where a parameter asks for one:
    /// ```yaml
    /// KeyName: !If [HasKeyName, !Ref KeyName, !Ref AWS::NoValue]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html>
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-key-pairs.html>
    pub struct SshKeyPair {
        code: "SSM204",
        name: "ssh-key-pair",
        category: NetworkExposure,
        severity: Warning,
        summary: "A compute resource sets `KeyName`: Session Manager needs no SSH key, and one keeps an SSH path alive.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
    }
}

impl Rule for SshKeyPair {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

crate::declare_rule! {
    /// ## What it does
    /// Reports an instance, launch configuration (`MetadataOptions.HttpTokens`) or launch
    /// template (`LaunchTemplateData.MetadataOptions.HttpTokens`) that does not require
    /// IMDSv2: `HttpTokens` missing or set to anything but `required`. With
    /// `HttpTokens: !If [IsProd, required, optional]` the `optional` branch is reported,
    /// naming the condition; a value ssmlint cannot know (a parameter without default) is
    /// not reported. An instance launched from a launch template (`LaunchTemplate`) is
    /// left to the launch template's own check, and `HttpEndpoint: disabled` (no metadata
    /// service at all) is not reported.
    ///
    /// Written in Guard: `rules/imdsv1-enabled.guard`.
    ///
    /// ## Why is this bad?
    /// IMDSv1 answers any local HTTP GET, so a server-side request forgery in an
    /// application on the instance can read the instance role's credentials — the same
    /// role that Session Manager relies on. IMDSv2 requires a session token obtained with
    /// a PUT, which such requests cannot make.
    ///
    /// ## Example
    /// ```yaml
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     ImageId: !Ref LatestAmiId
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     MetadataOptions:
    ///       HttpTokens: required
    ///       HttpEndpoint: enabled
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-launchtemplate-metadataoptions.html>
    pub struct Imdsv1Enabled {
        code: "SSM205",
        name: "imdsv1-enabled",
        category: NetworkExposure,
        severity: Warning,
        summary: "A compute resource does not set `MetadataOptions.HttpTokens: required` (IMDSv2).",
        url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html",
    }
}

impl Rule for Imdsv1Enabled {
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

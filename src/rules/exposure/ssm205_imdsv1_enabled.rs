//! SSM205: a compute resource allows IMDSv1.

use super::{follow, kind_of, merge_places, scalar_text, value_span, Reached, COMPUTE_SETTINGS};
use crate::rules::{label_defaults, qualifiers, Context, Finding, Rule, RuleInfo};
use crate::template::eval::{merge_provenance, Resolved};

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
    /// The same check, written in the Guard DSL, ships as an example of a user rule:
    /// `examples/guard/imdsv1-enabled.guard`.
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

const HELP: &str = "require session tokens for the instance metadata service:

MetadataOptions:
  HttpTokens: required
  HttpEndpoint: enabled

(in a launch template, under `LaunchTemplateData`)";

/// Whether an alternative of an exemption (`LaunchTemplate` present, `HttpEndpoint:
/// disabled`, or either unknown) can hold together with `value`.
fn exempt(exemptions: &[Resolved<'_>], value: &Resolved<'_>) -> bool {
    exemptions.iter().any(|e| {
        let (mut when, mut defaults) = (value.when.clone(), Vec::new());
        merge_provenance(&mut when, &mut defaults, &e.when, &[])
    })
}

impl Rule for Imdsv1Enabled {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(template) = cx.template() else {
            return;
        };
        for (type_name, base) in COMPUTE_SETTINGS {
            for resource in template.resources_of_type(&[type_name]) {
                let mut exemptions: Vec<Resolved<'_>> = Vec::new();
                // An instance launched from a launch template gets its metadata options
                // there (the launch template is checked itself).
                if type_name != "AWS::EC2::LaunchTemplate" {
                    for reached in follow(cx.eval, resource, &["Properties", "LaunchTemplate"]) {
                        match reached {
                            Reached::Value { value, .. } | Reached::Unknown(value) => {
                                exemptions.push(value);
                            }
                            Reached::Missing { .. } => {}
                        }
                    }
                }
                // `HttpEndpoint: disabled` turns the metadata service off.
                let endpoint = [base, &["MetadataOptions", "HttpEndpoint"][..]].concat();
                for reached in follow(cx.eval, resource, &endpoint) {
                    match reached {
                        Reached::Value { value, .. }
                            if scalar_text(&value.value).is_none_or(|v| v == "disabled") =>
                        {
                            exemptions.push(value);
                        }
                        Reached::Unknown(value) => exemptions.push(value),
                        _ => {}
                    }
                }
                let tokens = [base, &["MetadataOptions", "HttpTokens"][..]].concat();
                let mut places = Vec::new();
                for reached in follow(cx.eval, resource, &tokens) {
                    let (found, span, value) = match reached {
                        Reached::Value { value, key } => match scalar_text(&value.value) {
                            Some(v) if v == "required" => continue,
                            Some(v) => (
                                format!("`HttpTokens: {v}`"),
                                value_span(cx, &value, key),
                                value,
                            ),
                            None => continue,
                        },
                        Reached::Missing {
                            missing,
                            anchor,
                            at,
                        } => (format!("no `{missing}`"), anchor, at),
                        Reached::Unknown(_) => continue,
                    };
                    if !exempt(&exemptions, &value) {
                        places.push((span, found, value));
                    }
                }
                for (span, found, value) in merge_places(places) {
                    let message = format!(
                        "{} `{}` allows IMDSv1 ({found}){}: require IMDSv2 with `HttpTokens: required`",
                        kind_of(resource.type_name),
                        resource.id,
                        qualifiers(&value.when, resource.condition, &value.defaults),
                    );
                    let finding = Finding::new(self.meta(), span, message)
                        .label(found)
                        .help(HELP)
                        .resource(resource.id);
                    out.push(label_defaults(finding, cx.template(), &value.defaults));
                }
            }
        }
    }
}

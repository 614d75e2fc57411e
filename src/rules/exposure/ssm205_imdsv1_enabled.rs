//! SSM205: a compute resource allows IMDSv1.

use super::{merge_places, scalar_text, value_span};
use crate::diagnostic::emit::Snippet;
use crate::rules::Fix;
use crate::rules::{label_defaults, qualifiers, Context, Finding, Rule, RuleInfo};
use crate::semantic::launchers::{Locator, Reached};
use crate::template::eval::{merge_provenance, Resolved, Value};

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
    /// Also checked: an Image Builder infrastructure configuration
    /// (`InstanceMetadataOptions.HttpTokens`) and an Elastic Beanstalk environment (the
    /// `aws:autoscaling:launchconfiguration` option `DisableIMDSv1: true`, also read from
    /// its configuration template). EKS node groups and Batch compute environments set
    /// metadata options in their launch template, which is checked itself.
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
        fix: Sometimes,
    }
}

/// How to require IMDSv2 where the launch sets its metadata options, in the file's style.
fn help(cx: &Context<'_>, tokens: &Locator, secure: &str) -> String {
    let style = cx.style();
    let mut text = String::from("require session tokens for the instance metadata service:\n\n");
    match tokens {
        Locator::Option(namespace, name) => {
            text.push_str(&style.show_pair(
                "OptionSettings",
                &Snippet::Seq(vec![Snippet::map([
                    ("Namespace", Snippet::str(*namespace)),
                    ("OptionName", Snippet::str(*name)),
                    ("Value", Snippet::str(secure)),
                ])]),
            ));
        }
        Locator::Path(path) => {
            if let [parent, key] = path {
                let mut inner = vec![(key.to_string(), Snippet::str(secure))];
                if *parent == "MetadataOptions" {
                    inner.push(("HttpEndpoint".to_string(), Snippet::str("enabled")));
                }
                text.push_str(&style.show_pair(parent, &Snippet::Map(inner)));
                if *parent == "MetadataOptions" {
                    text.push_str("\n\n(in a launch template, under `LaunchTemplateData`)");
                }
            }
        }
    }
    text
}

/// Sets `HttpTokens: required` where the finding is: adds the missing keys to the
/// mapping the path stops at, or replaces the value written. Only for values written in
/// the resource itself, in every deployment (no `Fn::If` branch, no parameter default).
fn fix(
    cx: &Context<'_>,
    resource: &crate::template::model::Resource<'_>,
    settings: &[&str],
    reached: &Reached<'_>,
    secure: &str,
) -> Option<Fix> {
    let editor = cx.editor();
    let (value, edit) = match reached {
        Reached::Missing { missing, at, .. } => {
            let Value::Node(map) = at.value else {
                return None;
            };
            let mut path: Vec<&str> = missing.split('.').collect();
            if std::ptr::eq(map, resource.node) {
                // No settings mapping at all (no `Properties`): it goes in too.
                let mut full = settings.to_vec();
                full.append(&mut path);
                path = full;
            }
            (at, editor.ensure(map, &path, Snippet::str(secure))?)
        }
        Reached::Value { value, .. } => (value, editor.replace(value.node, &Snippet::str(secure))?),
        Reached::Unknown(_) => return None,
    };
    let certain = value.when.is_empty() && value.defaults.is_empty();
    (certain && cx.written_in(resource, value.node)).then(|| {
        Fix::safe(
            format!("require IMDSv2 (`HttpTokens: {secure}`)"),
            vec![edit],
        )
    })
}

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
        for launch in cx.model.launches() {
            let Some(metadata) = launch.launcher.metadata else {
                continue;
            };
            // A launch from a launch template gets its metadata options there (the
            // launch template is checked itself).
            let mut exemptions: Vec<Resolved<'_>> = launch
                .launcher
                .launch_template
                .map(|l| launch.values(cx.eval, &l))
                .unwrap_or_default();
            // `HttpEndpoint: disabled` turns the metadata service off.
            for reached in metadata
                .endpoint
                .map(|e| launch.locate(cx.eval, &e))
                .unwrap_or_default()
            {
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
            let setting = match metadata.tokens {
                Locator::Path([.., last]) => last.to_string(),
                other => other.describe(),
            };
            let mut places = Vec::new();
            for reached in launch.locate(cx.eval, &metadata.tokens) {
                let fixed = match metadata.tokens {
                    Locator::Path(_) => fix(
                        cx,
                        launch.resource,
                        launch.launcher.settings,
                        &reached,
                        metadata.secure,
                    ),
                    Locator::Option(..) => None,
                };
                let (found, span, value) = match reached {
                    Reached::Value { value, key } => match scalar_text(&value.value) {
                        Some(v) if v.trim().eq_ignore_ascii_case(metadata.secure) => continue,
                        Some(v) => (
                            format!("`{setting}: {v}`"),
                            value_span(cx, &value, key),
                            value,
                        ),
                        None => continue,
                    },
                    Reached::Missing {
                        missing,
                        anchor,
                        at,
                    } => {
                        let missing = if missing.starts_with('`') {
                            format!("no {missing}")
                        } else {
                            format!("no `{missing}`")
                        };
                        (missing, anchor, at)
                    }
                    Reached::Unknown(_) => continue,
                };
                if !exempt(&exemptions, &value) {
                    places.push((span, found, value, fixed));
                }
            }
            let resource = launch.resource;
            let fixes: Vec<_> = places.iter().map(|(s, _, _, f)| (*s, f.clone())).collect();
            let places = places.into_iter().map(|(s, f, v, _)| (s, f, v)).collect();
            for (span, found, value) in merge_places(places) {
                let fixed = fixes
                    .iter()
                    .filter(|(s, _)| *s == span)
                    .map(|(_, f)| f.clone())
                    .collect::<Vec<_>>();
                // One fix per place; none when alternatives merged here differ.
                let fixed = match fixed.as_slice() {
                    [one] => one.clone(),
                    _ => None,
                };
                let message = format!(
                    "{} allows IMDSv1 ({found}){}: require IMDSv2 with `{setting}: {}`",
                    launch.subject(),
                    qualifiers(&value.when, resource.condition, &value.defaults),
                    metadata.secure,
                );
                let finding = Finding::new(self.meta(), span, message)
                    .label(found)
                    .help(help(cx, &metadata.tokens, metadata.secure))
                    .fix(fixed)
                    .resource(resource.id);
                out.push(label_defaults(finding, cx.template(), &value.defaults));
            }
        }
    }
}

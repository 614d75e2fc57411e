use crate::base::Span;
use crate::diagnostic::emit::Snippet;
use crate::policy::Tri;
use crate::rules::{label_defaults, Context, Finding, Fix, Rule, RuleInfo};
use crate::semantic::logging::Preferences;
use crate::semantic::logging::{compatible, Key, State};
use crate::syntax::Node;
use crate::template::When;

crate::declare_rule! {
    /// ## What it does
    /// Reports a preferences document that logs sessions to S3 without
    /// `s3EncryptionEnabled: true`, or to CloudWatch Logs without
    /// `cloudWatchEncryptionEnabled: true` (absent counts as not true; an unknown value
    /// is never reported).
    ///
    /// ## Why is this bad?
    /// With the flag on, Session Manager only sends logs to a bucket with default
    /// encryption or to a log group encrypted with a KMS key, and refuses otherwise.
    /// Without it, session transcripts — which often contain secrets typed at a prompt —
    /// may land unencrypted.
    ///
    /// ## Example
    /// ```yaml
    ///       inputs:
    ///         cloudWatchLogGroupName: !Ref SessionLogGroup
    ///         cloudWatchEncryptionEnabled: false
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       inputs:
    ///         cloudWatchLogGroupName: !Ref SessionLogGroup
    ///         cloudWatchEncryptionEnabled: true
    /// SessionLogGroup:
    ///   Type: AWS::Logs::LogGroup
    ///   Properties:
    ///     KmsKeyId: !GetAtt SessionKey.Arn
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html>
    pub struct SessionLogsUnencrypted {
        code: "SSM302",
        name: "session-logs-unencrypted",
        category: SessionLogging,
        severity: Warning,
        summary: "Session logs go to S3 or CloudWatch Logs without requiring encryption.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html",
        fix: Sometimes,
    }
}

struct Destination {
    target: Key,
    flag: Key,
    what: &'static str,
    /// What else encryption takes, in a template / for a standalone document.
    standalone_help: &'static str,
}

const DESTINATIONS: [Destination; 2] = [
    Destination {
        target: Key::S3Bucket,
        flag: Key::S3Encryption,
        what: "S3",
        standalone_help: "and give the bucket default encryption",
    },
    Destination {
        target: Key::CloudWatchGroup,
        flag: Key::CloudWatchEncryption,
        what: "CloudWatch Logs",
        standalone_help: "and encrypt the log group with a KMS key",
    },
];

/// The `inputs` mapping of the preferences, when it is written as a mapping (not in a
/// JSON string, not behind `Fn::If`).
fn inputs_node<'a>(cx: &Context<'a>, prefs: &Preferences<'a>) -> Option<&'a Node> {
    let content = match prefs.resource {
        Some(r) => r.property("Content")?,
        None => match cx.input() {
            crate::semantic::Input::SessionDocument(root) => root,
            _ => return None,
        },
    };
    let inputs = content.get("inputs")?;
    inputs.as_map().map(|_| inputs)
}

/// Sets `flag: true` in the `inputs` mapping: adds it, or replaces a literal value.
fn fix<'a>(cx: &Context<'a>, prefs: &Preferences<'a>, flag: &str) -> Option<Fix> {
    let inputs = inputs_node(cx, prefs)?;
    let editor = cx.editor();
    let edit = match inputs.entry(flag) {
        None => editor.insert_entries(inputs, &[(flag, Snippet::Bool(true))])?,
        Some(e) if e.value.as_scalar().is_some() || e.value.is_null() => {
            editor.replace(&e.value, &Snippet::Bool(true))?
        }
        Some(_) => return None,
    };
    Some(Fix::safe(format!("set `{flag}: true`"), vec![edit]))
}

/// How to encrypt the destination itself, in the file's style: the bucket's default
/// encryption (S3-managed keys: nothing else to define), the log group's KMS key (the
/// template's only key, or a property to fill in).
fn destination_help(cx: &Context<'_>, target: Key) -> String {
    let style = cx.style();
    if target == Key::S3Bucket {
        return format!(
            "and give the bucket default encryption:\n\n{}",
            style.show_pair("BucketEncryption", &super::bucket_encryption())
        );
    }
    let keys: Vec<_> = cx
        .resources_of_type(&[crate::semantic::logging::KEY])
        .collect();
    match keys.as_slice() {
        [key] => format!(
            "and encrypt the log group with the KMS key (its key policy must let CloudWatch Logs use it):\n\n{}",
            style.show_pair("KmsKeyId", &Snippet::get_att(key.id, "Arn"))
        ),
        _ => "and encrypt the log group with a KMS key whose key policy lets CloudWatch Logs use it (its `KmsKeyId` property: the key's ARN)".to_string(),
    }
}

impl Rule for SessionLogsUnencrypted {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for prefs in cx.model.logging().iter() {
            for d in &DESTINATIONS {
                let mut reported: Vec<(When, Span)> = Vec::new();
                for target in prefs.setting(d.target) {
                    if target.input.state() != State::Set {
                        continue;
                    }
                    for (flag, when) in compatible(prefs, d.flag, &target.when) {
                        if flag.input.is_true() != Tri::No {
                            continue;
                        }
                        let Some(when) = prefs.when.merge(&when) else {
                            continue;
                        };
                        let written = flag.span != prefs.anchor;
                        let span = if written { flag.span } else { target.span };
                        if reported.contains(&(when.clone(), span)) {
                            continue;
                        }
                        reported.push((when.clone(), span));
                        let mut defaults: Vec<&str> =
                            flag.defaults.iter().map(String::as_str).collect();
                        defaults.extend(target.defaults.iter().map(String::as_str));
                        let mut finding = Finding::new(
                            self.meta(),
                            span,
                            format!(
                                "{} sends session logs to {} without requiring encryption: `{}` is {}{}",
                                prefs.describe(),
                                d.what,
                                d.flag.name(),
                                flag.input.describe(),
                                prefs.qualify(&when, &defaults)
                            ),
                        )
                        .label(if written {
                            format!("`{}` is not `true`", d.flag.name())
                        } else {
                            format!("logs go here, and `{}` is not set", d.flag.name())
                        })
                        .help(format!(
                            "require encryption:\n\n{}\n\n{}",
                            Preferences::inputs_snippet(
                                cx.style(),
                                vec![(d.flag.name(), Snippet::Bool(true))]
                            ),
                            if prefs.resource.is_some() {
                                destination_help(cx, d.target)
                            } else {
                                d.standalone_help.to_string()
                            }
                        ));
                        if written {
                            finding =
                                finding.with_label(target.span, format!("{} logging", d.what));
                        }
                        finding = finding.fix(fix(cx, prefs, d.flag.name()));
                        if let Some(r) = prefs.resource {
                            finding = finding.resource(r.id);
                        }
                        out.push(label_defaults(finding, cx.template(), &defaults));
                    }
                }
            }
        }
    }
}

use crate::diagnostic::emit::Snippet;
use crate::rules::{Context, Finding, Fix, Rule, RuleInfo};
use crate::semantic::logging::{destination, DestKind, Key, Link, State};
use crate::template::eval::Value;

crate::declare_rule! {
    /// ## What it does
    /// Reports the session log bucket — an `AWS::S3::Bucket` of the template named by a
    /// preferences document's `s3BucketName` — when it lacks a
    /// `PublicAccessBlockConfiguration` with `BlockPublicAcls`, `BlockPublicPolicy`,
    /// `IgnorePublicAcls` and `RestrictPublicBuckets` all `true`. A setting that cannot be
    /// known here is not reported; a setting that is false in one `Fn::If` branch is.
    ///
    /// ## Why is this bad?
    /// Session transcripts show commands, output and often secrets. One bucket policy or
    /// ACL granting public read — by mistake, or by someone covering their tracks — would
    /// publish them; blocking public access on the bucket makes that impossible.
    ///
    /// ## Example
    /// ```yaml
    /// SessionLogBucket:
    ///   Type: AWS::S3::Bucket
    ///   Properties:
    ///     PublicAccessBlockConfiguration:
    ///       BlockPublicAcls: true
    ///       BlockPublicPolicy: false
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// SessionLogBucket:
    ///   Type: AWS::S3::Bucket
    ///   Properties:
    ///     PublicAccessBlockConfiguration:
    ///       BlockPublicAcls: true
    ///       BlockPublicPolicy: true
    ///       IgnorePublicAcls: true
    ///       RestrictPublicBuckets: true
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html>
    pub struct LogBucketNotPrivate {
        code: "SSM305",
        name: "log-bucket-not-private",
        category: SessionLogging,
        severity: Error,
        summary: "The session log bucket does not block all public access.",
        url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        fix: Sometimes,
    }
}

/// The four settings of `PublicAccessBlockConfiguration`, each to be `true`.
pub const SETTINGS: [&str; 4] = [
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];

/// Sets all four settings to `true`: adds `PublicAccessBlockConfiguration`, or the
/// settings it lacks, and replaces literal values that are not `true`. Not when the
/// configuration is not a mapping written in the bucket (an `Fn::If`, say).
fn fix(cx: &Context<'_>, bucket: &crate::template::model::Resource<'_>) -> Option<Fix> {
    let editor = cx.editor();
    let full = || Snippet::map(SETTINGS.map(|name| (name, Snippet::Bool(true))));
    let title = "block all public access to the log bucket";
    let Some(config) = bucket.property("PublicAccessBlockConfiguration") else {
        let edit = match bucket.properties {
            Some(props) => editor.ensure(props, &["PublicAccessBlockConfiguration"], full())?,
            None => editor.ensure(
                bucket.node,
                &["Properties", "PublicAccessBlockConfiguration"],
                full(),
            )?,
        };
        return Some(Fix::safe(title, vec![edit]));
    };
    config.as_map()?;
    let mut edits = Vec::new();
    let mut missing = Vec::new();
    for name in SETTINGS {
        match config.get(name) {
            None => missing.push((name, Snippet::Bool(true))),
            Some(v) if matches!(v.kind, crate::syntax::NodeKind::Bool(true)) => {}
            Some(v) if v.as_scalar().is_some() || v.is_null() => {
                edits.push(editor.replace(v, &Snippet::Bool(true))?);
            }
            Some(_) => return None,
        }
    }
    if !missing.is_empty() {
        edits.push(editor.insert_entries(config, &missing)?);
    }
    Some(Fix::safe(title, edits))
}

impl Rule for LogBucketNotPrivate {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut seen: Vec<&str> = Vec::new();
        for prefs in cx.model.logging().iter() {
            for setting in prefs.setting(Key::S3Bucket) {
                if setting.input.state() != State::Set {
                    continue;
                }
                let Link::Resource(bucket) = destination(cx.eval, DestKind::Bucket, &setting.input)
                else {
                    continue;
                };
                if seen.contains(&bucket.id) {
                    continue;
                }
                seen.push(bucket.id);
                let Some((span, label, missing)) = gap(cx, bucket) else {
                    continue;
                };
                let mut finding = Finding::new(
                    self.meta(),
                    span,
                    format!(
                        "session log bucket `{}` does not block public access: {}",
                        bucket.id,
                        missing.join(", ")
                    ),
                )
                .label(label)
                .with_label(
                    setting.span,
                    format!("{} logs sessions here", prefs.describe()),
                )
                .resource(bucket.id)
                .help(format!(
                    "block every kind of public access on the log bucket:\n\n{}",
                    cx.style().show_pair(
                        "PublicAccessBlockConfiguration",
                        &Snippet::map(SETTINGS.map(|name| (name, Snippet::Bool(true))))
                    )
                ))
                .fix(fix(cx, bucket));
                if span != bucket.id_span {
                    finding = finding.with_label(bucket.id_span, "the log bucket");
                }
                out.push(finding);
            }
        }
    }
}

/// Where the bucket falls short, and how: `None` when all four settings are true or
/// cannot be known.
fn gap(
    cx: &Context<'_>,
    bucket: &crate::template::model::Resource<'_>,
) -> Option<(crate::base::Span, String, Vec<String>)> {
    let Some(entry) = bucket.property_entry("PublicAccessBlockConfiguration") else {
        return Some((
            bucket.id_span,
            "no `PublicAccessBlockConfiguration`".into(),
            vec!["no `PublicAccessBlockConfiguration`".into()],
        ));
    };
    let mut missing: Vec<String> = Vec::new();
    let mut first_false = None;
    for config in cx.eval.eval(&entry.value) {
        let Value::Node(node) = config.value else {
            if matches!(config.value, Value::NoValue | Value::Null) {
                missing.push(format!(
                    "no `PublicAccessBlockConfiguration`{}",
                    when_text(&config.when)
                ));
            }
            continue;
        };
        if node.as_map().is_none() {
            continue;
        }
        for name in SETTINGS {
            let values = match node.get(name) {
                None => {
                    missing.push(format!("`{name}` is not set{}", when_text(&config.when)));
                    continue;
                }
                Some(child) => cx.eval.eval(child),
            };
            for v in values.iter().filter_map(|v| v.clone().under(&config)) {
                let is_true = match &v.value {
                    Value::Bool(b) => Some(*b),
                    Value::Str(s) => Some(s.eq_ignore_ascii_case("true")),
                    Value::NoValue | Value::Null => Some(false),
                    _ => None,
                };
                if is_true == Some(false) {
                    first_false.get_or_insert(v.node.span);
                    missing.push(format!("`{name}` is false{}", when_text(&v.when)));
                }
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let span = first_false.unwrap_or(entry.key_span);
    let label = if first_false.is_some() {
        "not true"
    } else {
        "not all four settings are true"
    };
    Some((span, label.into(), missing))
}

fn when_text(when: &[(&str, bool)]) -> String {
    let text = crate::template::eval::describe_conditions(when);
    if text.is_empty() {
        text
    } else {
        format!(" {text}")
    }
}

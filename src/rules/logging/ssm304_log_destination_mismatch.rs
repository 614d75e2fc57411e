use crate::diagnostic::emit::Snippet;
use crate::rules::{label_defaults, Context, Finding, Rule, RuleInfo};
use crate::semantic::logging::{destination, DestKind, Link, State};

crate::declare_rule! {
    /// ## What it does
    /// Reports `inputs.s3BucketName` or `inputs.cloudWatchLogGroupName` of a preferences
    /// document that refers (`Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`) to a logical id
    /// the template does not define, to a resource that is not an `AWS::S3::Bucket` /
    /// `AWS::Logs::LogGroup`, or to an attribute that is not the name (`!GetAtt
    /// LogBucket.Arn` where the bucket name is expected). Literal names and values from
    /// outside the template are not checked.
    ///
    /// ## Why is this bad?
    /// Session Manager looks the destination up by name when a session starts. A wrong
    /// reference deploys fine (or fails the stack), but no session is ever logged where
    /// the template says.
    ///
    /// ## Example
    /// ```yaml
    ///       inputs:
    ///         s3BucketName: !GetAtt SessionLogBucket.Arn
    ///         cloudWatchLogGroupName: !Ref SessionLogsGroup   # typo of SessionLogGroup
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       inputs:
    ///         s3BucketName: !Ref SessionLogBucket
    ///         cloudWatchLogGroupName: !Ref SessionLogGroup
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html#aws-resource-s3-bucket-return-values>
    pub struct LogDestinationMismatch {
        code: "SSM304",
        name: "log-destination-mismatch",
        category: SessionLogging,
        severity: Error,
        summary: "s3BucketName or cloudWatchLogGroupName refers to a missing logical id or the wrong resource type.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html",
    }
}

impl Rule for LogDestinationMismatch {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for prefs in cx.model.logging().iter() {
            for kind in [DestKind::Bucket, DestKind::LogGroup] {
                let key = kind.key().name();
                for setting in prefs.setting(kind.key()) {
                    if setting.input.state() != State::Set {
                        continue;
                    }
                    let Some(when) = prefs.when.merge(&setting.when) else {
                        continue;
                    };
                    let (message, label, related) =
                        match destination(cx.eval, kind, &setting.input) {
                            Link::Undefined(id) => (
                                format!("`{key}` refers to `{id}`, which this template does not define"),
                                format!("no resource `{id}`"),
                                None,
                            ),
                            Link::Wrong {
                                resource,
                                attribute: None,
                            } => (
                                format!(
                                    "`{key}` refers to `{}`, of type `{}`, not an `{}`",
                                    resource.id,
                                    resource.type_name,
                                    kind.type_name()
                                ),
                                format!("not the {}", kind.noun()),
                                Some((resource, format!("of type `{}`", resource.type_name))),
                            ),
                            Link::Wrong {
                                resource,
                                attribute: Some(attribute),
                            } => (
                                format!(
                                    "`{key}` takes the {}'s name, but `!GetAtt {}.{attribute}` is not its name",
                                    kind.noun(),
                                    resource.id
                                ),
                                format!("`{attribute}` is not the name"),
                                Some((resource, format!("`!Ref {}` gives its name", resource.id))),
                            ),
                            _ => continue,
                        };
                    let defaults: Vec<&str> = setting.defaults.iter().map(String::as_str).collect();
                    let mut finding = Finding::new(
                        self.meta(),
                        setting.span,
                        format!(
                            "{message}: {} cannot deliver session logs there{}",
                            prefs.describe(),
                            prefs.qualify(&when, &defaults)
                        ),
                    )
                    .label(label)
                    .help(help(cx, kind, key));
                    if let Some((resource, text)) = related {
                        finding = finding.with_label(resource.id_span, text);
                    }
                    if let Some(r) = prefs.resource {
                        finding = finding.resource(r.id);
                    }
                    out.push(label_defaults(finding, cx.template(), &defaults));
                }
            }
        }
    }
}

/// Names the right resource: the template's only one of the expected type, else its
/// first (naming the others), else one the snippet defines — a private, encrypted bucket,
/// or a log group encrypted with the template's KMS key (or one the snippet defines too).
fn help(cx: &Context<'_>, kind: DestKind, key: &str) -> String {
    let style = cx.style();
    let types = [kind.type_name()];
    let candidates: Vec<&str> = cx.resources_of_type(&types).map(|r| r.id).collect();
    let (intro, target) = match candidates.as_slice() {
        [one] => (
            format!("refer to the {} by `Ref`", kind.noun()),
            one.to_string(),
        ),
        [first, ..] => (
            format!(
                "refer to the {} that receives the logs by `Ref` (one of {})",
                kind.noun(),
                candidates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            first.to_string(),
        ),
        [] => {
            let id = crate::rules::fresh_id(
                cx.template(),
                match kind {
                    DestKind::Bucket => "SessionLogBucket",
                    _ => "SessionLogGroup",
                },
                &[],
            );
            let mut resources = Vec::new();
            let what = match kind {
                DestKind::Bucket => {
                    resources.push((id.clone(), super::log_bucket_resource()));
                    "a private, encrypted bucket".to_string()
                }
                _ => {
                    let (kms, define) = super::snippet_key(cx.template(), &[&id]);
                    resources.push((id.clone(), super::log_group_resource(&kms)));
                    if define {
                        resources.push((kms, super::session_key_resource()));
                        "a log group and the KMS key that encrypts it".to_string()
                    } else {
                        format!("a log group encrypted with the template's KMS key `{kms}`")
                    }
                }
            };
            (
                format!(
                    "define {what}:\n\n{}\n\nthen refer to it by `Ref`",
                    style.show(&Snippet::Map(resources))
                ),
                id,
            )
        }
    };
    format!(
        "{intro}, which gives its name:\n\n{}",
        style.show_pair(key, &Snippet::reference(&target))
    )
}

use crate::diagnostic::emit::Snippet;
use crate::rules::{label_defaults, Context, Finding, Rule, RuleInfo};
use crate::semantic::logging::{compatible, Key, Preferences, State};
use crate::template::When;

crate::declare_rule! {
    /// ## What it does
    /// Reports a Session Manager preferences document (`AWS::SSM::Document` with
    /// `DocumentType: Session` and `sessionType: Standard_Stream`, or a standalone
    /// preferences file) that sets neither `inputs.s3BucketName` nor
    /// `inputs.cloudWatchLogGroupName`. Empty strings count as unset; a value that cannot
    /// be known here (a parameter without default, a `{{s3BucketName}}` document
    /// parameter) is never reported. Each `Fn::If` branch is checked, and a finding names
    /// the condition.
    ///
    /// ## Why is this bad?
    /// Without a log destination, what users type and see in their sessions is recorded
    /// nowhere: Session Manager replaced SSH, but the audit trail went away with it.
    ///
    /// ## Example
    /// ```yaml
    /// SessionPreferences:
    ///   Type: AWS::SSM::Document
    ///   Properties:
    ///     Name: SSM-SessionManagerRunShell
    ///     DocumentType: Session
    ///     Content:
    ///       schemaVersion: "1.0"
    ///       sessionType: Standard_Stream
    ///       inputs:
    ///         s3BucketName: ""
    ///         cloudWatchLogGroupName: ""
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       inputs:
    ///         cloudWatchLogGroupName: !Ref SessionLogGroup
    ///         cloudWatchEncryptionEnabled: true
    ///         cloudWatchStreamingEnabled: true
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html>
    pub struct SessionLoggingDisabled {
        code: "SSM300",
        name: "session-logging-disabled",
        category: SessionLogging,
        severity: Error,
        summary: "The Session Manager preferences document logs sessions neither to S3 nor to CloudWatch Logs.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html",
    }
}

/// Where to send the logs, in the file's style: to a log group of the template (which the
/// snippet defines) in a template, to a named log group in a standalone document.
fn help(cx: &Context<'_>, prefs: &Preferences<'_>) -> String {
    let ids = prefs.resource.map(|_| {
        let group = crate::rules::fresh_id(cx.template(), "SessionLogGroup", &[]);
        let key = super::snippet_key(cx.template(), &[&group]);
        (group, key)
    });
    let group = match &ids {
        Some((group, _)) => Snippet::reference(group),
        None => Snippet::str("/ssm/session-logs"),
    };
    let inputs = Preferences::inputs_snippet(
        cx.style(),
        vec![
            ("cloudWatchLogGroupName", group),
            ("cloudWatchEncryptionEnabled", Snippet::Bool(true)),
            ("cloudWatchStreamingEnabled", Snippet::Bool(true)),
        ],
    );
    let mut out = format!(
        "send session logs to CloudWatch Logs (or S3) in the document's inputs:\n\n{inputs}"
    );
    if let Some((group, (key, define_key))) = ids {
        let mut resources = vec![(group, super::log_group_resource(&key))];
        let what = if define_key {
            resources.push((key, super::session_key_resource()));
            "the log group and the KMS key that encrypts it (its policy lets CloudWatch Logs use it)".to_string()
        } else {
            format!("the log group, encrypted with the template's KMS key `{key}`")
        };
        out.push_str(&format!(
            "\n\nand define {what}:\n\n{}",
            cx.style().show(&Snippet::map(resources))
        ));
    }
    out
}

impl Rule for SessionLoggingDisabled {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for prefs in cx.model.logging().iter() {
            let mut reported: Vec<When> = Vec::new();
            for s3 in prefs.setting(Key::S3Bucket) {
                if s3.input.state() != State::Unset {
                    continue;
                }
                for (cw, when) in compatible(prefs, Key::CloudWatchGroup, &s3.when) {
                    if cw.input.state() != State::Unset {
                        continue;
                    }
                    let Some(when) = prefs.when.merge(&when) else {
                        continue;
                    };
                    if reported.contains(&when) {
                        continue;
                    }
                    reported.push(when.clone());
                    let mut defaults: Vec<&str> = s3.defaults.iter().map(String::as_str).collect();
                    defaults.extend(cw.defaults.iter().map(String::as_str));
                    let (span, label) = if s3.span != prefs.anchor {
                        (
                            s3.span,
                            format!("`s3BucketName` is {}", s3.input.describe()),
                        )
                    } else if cw.span != prefs.anchor {
                        (
                            cw.span,
                            format!("`cloudWatchLogGroupName` is {}", cw.input.describe()),
                        )
                    } else {
                        (prefs.anchor, "no log destination here".to_string())
                    };
                    let mut finding = Finding::new(
                        self.meta(),
                        span,
                        format!(
                            "session logging is off: {} sets neither `s3BucketName` nor `cloudWatchLogGroupName`{}",
                            prefs.describe(),
                            prefs.qualify(&when, &defaults)
                        ),
                    )
                    .label(label)
                    .help(help(cx, prefs));
                    if cw.span != span && cw.span != prefs.anchor {
                        finding = finding.with_label(
                            cw.span,
                            format!("`cloudWatchLogGroupName` is {}", cw.input.describe()),
                        );
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

use crate::diagnostic::emit::Snippet;
use crate::rules::{label_defaults, Context, Finding, Rule, RuleInfo};
use crate::semantic::logging::{Key, Preferences, State};
use crate::template::When;

crate::declare_rule! {
    /// ## What it does
    /// Reports a preferences document without `inputs.kmsKeyId` (absent or empty), so
    /// the session data stream is not encrypted with a customer managed KMS key. An
    /// unknown value is never reported.
    ///
    /// ## Why is this bad?
    /// Session traffic is always protected by TLS; a KMS key adds a second layer that
    /// you control: a session only starts for users allowed to use the key, and every use
    /// of it is recorded in CloudTrail. It is an `info`: a choice worth knowing about.
    ///
    /// ## Example
    /// ```yaml
    ///       inputs:
    ///         cloudWatchLogGroupName: !Ref SessionLogGroup
    ///         kmsKeyId: ""
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       inputs:
    ///         cloudWatchLogGroupName: !Ref SessionLogGroup
    ///         kmsKeyId: !Ref SessionKey
    /// ```
    /// The instance role then needs `kms:Decrypt` on the key (see SSM306).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html>
    pub struct SessionDataNotKmsEncrypted {
        code: "SSM303",
        name: "session-data-not-kms-encrypted",
        category: SessionLogging,
        severity: Info,
        summary: "The preferences document sets no kmsKeyId to encrypt session data.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html",
    }
}

impl Rule for SessionDataNotKmsEncrypted {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for prefs in cx.model.logging().iter() {
            let mut reported: Vec<When> = Vec::new();
            for key in prefs.setting(Key::KmsKey) {
                if key.input.state() != State::Unset {
                    continue;
                }
                let Some(when) = prefs.when.merge(&key.when) else {
                    continue;
                };
                if reported.contains(&when) {
                    continue;
                }
                reported.push(when.clone());
                let defaults: Vec<&str> = key.defaults.iter().map(String::as_str).collect();
                let mut finding = Finding::new(
                    self.meta(),
                    key.span,
                    format!(
                        "{} does not encrypt session data with a KMS key: `kmsKeyId` is {}{}",
                        prefs.describe(),
                        key.input.describe(),
                        prefs.qualify(&when, &defaults)
                    ),
                )
                .label(if key.span == prefs.anchor {
                    "no `kmsKeyId` here"
                } else {
                    "no key"
                })
                .help(help(cx, prefs));
                if let Some(r) = prefs.resource {
                    finding = finding.resource(r.id);
                }
                out.push(label_defaults(finding, cx.template(), &defaults));
            }
        }
    }
}

/// A key of the template (which the snippet defines, with a complete key policy) in a
/// template, a key named by alias in a standalone document; in the file's style.
fn help(cx: &Context<'_>, prefs: &Preferences<'_>) -> String {
    let style = cx.style();
    if prefs.resource.is_none() {
        return format!(
            "encrypt session data with a KMS key (its ID, ARN or alias):\n\n{}",
            Preferences::inputs_snippet(
                style,
                vec![("kmsKeyId", Snippet::str("alias/session-manager"))]
            )
        );
    }
    let (key, define) = super::snippet_key(cx.template(), &[]);
    let inputs = Preferences::inputs_snippet(style, vec![("kmsKeyId", Snippet::reference(&key))]);
    if !define {
        return format!(
            "encrypt session data with the template's KMS key `{key}`:\n\n{inputs}\n\nthe instance roles need `kms:Decrypt` on it."
        );
    }
    let definition = Snippet::map([(key.as_str(), super::session_key_resource())]);
    format!(
        "encrypt session data with a KMS key of this template:\n\n{inputs}\n\nand define the key (its policy lets the account's IAM policies grant its use, and CloudWatch Logs encrypt with it):\n\n{}",
        style.show(&definition)
    )
}

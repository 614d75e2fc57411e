//! Rules on session logging (SSM3xx): preferences, destinations, encryption, tampering.

pub mod ssm300_session_logging_disabled;
pub mod ssm301_session_preferences_missing;
pub mod ssm302_session_logs_unencrypted;
pub mod ssm303_session_data_not_kms_encrypted;
pub mod ssm304_log_destination_mismatch;
pub mod ssm305_log_bucket_not_private;
pub mod ssm306_instance_cannot_write_session_logs;
pub mod ssm307_session_logging_tamperable;

use crate::diagnostic::emit::Snippet;
use crate::template::model::Template;

/// The KMS key a help snippet encrypts with: the template's own key when it has one,
/// else a new one (its logical id, and `true`: the snippet must define it, with
/// [`session_key_resource`]). Every resource a snippet names exists, or is in it.
pub fn snippet_key(template: Option<&Template<'_>>, taken: &[&str]) -> (String, bool) {
    match template.and_then(|t| t.resources_of_type(&["AWS::KMS::Key"]).next()) {
        Some(key) => (key.id.to_string(), false),
        None => (crate::rules::fresh_id(template, "SessionKey", taken), true),
    }
}

/// A log group for session logs, kept a year and encrypted with the template's KMS key
/// `key`: the resource the help snippets of SSM300 and SSM301 define.
pub fn log_group_resource(key: &str) -> Snippet {
    crate::rules::resource_snippet(
        crate::semantic::logging::LOG_GROUP,
        Snippet::map([
            ("RetentionInDays", Snippet::Number("365".into())),
            ("KmsKeyId", Snippet::get_att(key, "Arn")),
        ]),
    )
}

/// Default encryption with S3-managed keys (`BucketEncryption`; nothing else to define).
pub fn bucket_encryption() -> Snippet {
    Snippet::map([(
        "ServerSideEncryptionConfiguration",
        Snippet::Seq(vec![Snippet::map([(
            "ServerSideEncryptionByDefault",
            Snippet::map([("SSEAlgorithm", Snippet::str("AES256"))]),
        )])]),
    )])
}

/// A bucket for session logs, encrypted and with all public access blocked (the
/// resource SSM304's help defines when the template has none).
pub fn log_bucket_resource() -> Snippet {
    let block = ssm305_log_bucket_not_private::SETTINGS.map(|name| (name, Snippet::Bool(true)));
    crate::rules::resource_snippet(
        crate::semantic::logging::BUCKET,
        Snippet::map([
            ("BucketEncryption", bucket_encryption()),
            ("PublicAccessBlockConfiguration", Snippet::map(block)),
        ]),
    )
}

/// A KMS key for sessions and their logs, with rotation and a complete key policy: the
/// account's IAM policies may grant its use, and CloudWatch Logs may encrypt with it (the
/// resource the help snippets of SSM301 and SSM303 define).
pub fn session_key_resource() -> Snippet {
    let s = Snippet::str;
    let statement = |principal: (&str, Snippet), action: Snippet| {
        Snippet::map([
            ("Effect", s("Allow")),
            ("Principal", Snippet::map([principal])),
            ("Action", action),
            ("Resource", s("*")),
        ])
    };
    let account = Snippet::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
    let logs = Snippet::sub("logs.${AWS::Region}.amazonaws.com");
    let log_actions = [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
    ];
    let policy = Snippet::map([
        ("Version", s("2012-10-17")),
        (
            "Statement",
            Snippet::Seq(vec![
                statement(("AWS", account), s("kms:*")),
                statement(("Service", logs), Snippet::Seq(log_actions.map(s).to_vec())),
            ]),
        ),
    ]);
    crate::rules::resource_snippet(
        crate::semantic::logging::KEY,
        Snippet::map([
            ("EnableKeyRotation", Snippet::Bool(true)),
            ("KeyPolicy", policy),
        ]),
    )
}

/// A policy statement for a help snippet: one action or resource as a scalar, more as a
/// list.
pub fn statement(effect: &str, actions: &[&str], resources: Vec<Snippet>) -> Snippet {
    let one_or_list = |mut items: Vec<Snippet>| match items.len() {
        1 => items.remove(0),
        _ => Snippet::Seq(items),
    };
    Snippet::map([
        ("Effect", Snippet::str(effect)),
        (
            "Action",
            one_or_list(actions.iter().map(|a| Snippet::str(*a)).collect()),
        ),
        ("Resource", one_or_list(resources)),
    ])
}

/// The ARN of the log group `name` in this stack's partition, region and account, for
/// a help snippet (`!Sub arn:${AWS::Partition}:logs:...:log-group:NAME:*`).
pub fn log_group_arn(name: &str) -> Snippet {
    Snippet::sub(format!(
        "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}:*"
    ))
}

//! Session logging (SSM300–SSM307) end to end: the README example is the fixture and lints
//! clean, standalone preference documents are their own kind of input, and the
//! `require_session_logging` / `trusted_principals` settings take effect.

mod common;

use common::{read, read_text};
use ssmlint::engine::{lint_bytes, FileKind, LintOptions};
use ssmlint::rules::{OptionValue, Severity};

fn codes(name: &str, bytes: &[u8], options: &LintOptions) -> Vec<(&'static str, Severity)> {
    lint_bytes(name, bytes, true, options)
        .findings
        .iter()
        .map(|f| (f.code, f.severity))
        .collect()
}

/// `require_session_logging: true`.
fn required_logging() -> LintOptions {
    LintOptions::default().with_rule_options(
        "SSM301",
        &[("require_session_logging", OptionValue::Bool(true))],
    )
}

/// `trusted_principals: [...]`.
fn trusting(principals: Vec<String>) -> LintOptions {
    LintOptions::default().with_rule_options(
        "SSM307",
        &[("trusted_principals", OptionValue::Strings(principals))],
    )
}

const EXAMPLE: &str = "fixtures/examples/session-logging.yaml";

#[test]
fn the_readme_example_is_the_fixture() {
    let readme = read_text("README.md");
    let example = read_text(EXAMPLE);
    assert!(
        readme.contains(&format!("```yaml\n{example}```")),
        "the README's session logging example differs from {EXAMPLE}"
    );
}

#[test]
fn the_example_reports_nothing_above_info() {
    let found = codes(EXAMPLE, &read(EXAMPLE), &LintOptions::default());
    let above_info: Vec<_> = found.iter().filter(|(_, s)| *s > Severity::Info).collect();
    assert!(above_info.is_empty(), "{above_info:?}");
    // Even with logging required: the template defines its preferences.
    let strict = required_logging();
    assert!(codes(EXAMPLE, &read(EXAMPLE), &strict).is_empty());
}

#[test]
fn require_session_logging_makes_ssm301_an_error() {
    let file = "fixtures/SSM301/fail/instance-without-preferences.yaml";
    let ssm301 = |options: &LintOptions| {
        codes(file, &read(file), options)
            .into_iter()
            .find(|(c, _)| *c == "SSM301")
            .map(|(_, s)| s)
    };
    assert_eq!(ssm301(&LintOptions::default()), Some(Severity::Info));
    let mut strict = required_logging();
    assert_eq!(ssm301(&strict), Some(Severity::Error));
    // An explicit severity for the rule still wins.
    strict.severities.insert("SSM301", Severity::Warning);
    assert_eq!(ssm301(&strict), Some(Severity::Warning));
}

#[test]
fn trusted_principals_are_exempt_from_ssm307() {
    let file = "fixtures/SSM307/fail/user-can-delete-logs.yaml";
    let count = |trusted: &[&str]| {
        let options = trusting(trusted.iter().map(|s| s.to_string()).collect());
        codes(file, &read(file), &options)
            .iter()
            .filter(|(c, _)| *c == "SSM307")
            .count()
    };
    assert_eq!(count(&[]), 2);
    assert_eq!(count(&["Auditor"]), 0);
    assert_eq!(count(&["Someone"]), 2);
    let file = "fixtures/SSM307/fail/operators-group-ssm-full-access.yaml";
    let options = trusting(vec!["arn:aws:iam::111122223333:group/Operators".into()]);
    // The group has no literal GroupName: an ARN cannot name it, its logical id can.
    assert!(codes(file, &read(file), &options)
        .iter()
        .any(|(c, _)| *c == "SSM307"));
}

#[test]
fn standalone_preferences_are_session_documents() {
    let text = br#"{"schemaVersion": "1.0", "sessionType": "Standard_Stream",
        "inputs": {"s3BucketName": "", "cloudWatchLogGroupName": ""}}"#;
    let report = lint_bytes("prefs.json", text, true, &LintOptions::default());
    assert_eq!(report.kind, FileKind::SessionDocument);
    assert_eq!(report.kind.as_str(), "session-document");
    assert!(report.findings.iter().any(|f| f.code == "SSM300"));
    // Another session type is a session document too, with nothing to report.
    let other = b"schemaVersion: '1.0'\nsessionType: Port\nproperties: {portNumber: '22'}\n";
    let report = lint_bytes("port.yaml", other, true, &LintOptions::default());
    assert_eq!(report.kind, FileKind::SessionDocument);
    assert!(report.findings.is_empty());
}

//! The help texts of every fixture's findings, with every rule enabled: each snippet
//! (the paragraph after a sentence ending in `:`) parses in the file's language — YAML in
//! a YAML file, JSON in a JSON template or policy file — uses short-form tags only where
//! the file does, and shows no intrinsic function outside a template (see
//! `common::help`). Every rule whose help shows a snippet shows one in JSON for some
//! JSON fixture.

mod common;

use common::help::{problems, split, Checked};
use ssmlint::engine::{lint_bytes, LintOptions};

#[test]
fn help_snippets_are_valid_in_the_file_s_language() {
    let mut checked = Checked::default();
    let mut found = Vec::new();
    for fixture in common::rule_fixtures() {
        let path = fixture.path();
        let report = lint_bytes(&path, &common::read(&path), true, &LintOptions::default());
        found.extend(problems(&report, &mut checked));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // Not vacuous: the fixtures show many snippets in both languages.
    assert!(checked.yaml > 150, "only {} YAML snippets", checked.yaml);
    assert!(checked.json > 20, "only {} JSON snippets", checked.json);
    let yaml_only: Vec<&String> = checked.codes.difference(&checked.json_codes).collect();
    assert!(
        yaml_only.is_empty(),
        "no JSON fixture shows the help snippet of {yaml_only:?}: add one under fixtures/<CODE>/fail/"
    );
}

/// The check finds what it is for: a snippet that does not parse, YAML in a JSON file, a
/// short tag in a file that uses none, an intrinsic in a policy file, code with no
/// sentence before it.
#[test]
fn the_check_rejects_invalid_snippets() {
    let template =
        "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties: {ImageId: ami-1}\n";
    let json_template =
        "{\"Resources\": {\"A\": {\"Type\": \"AWS::EC2::Instance\", \"Properties\": {\"ImageId\": \"ami-1\"}}}}";
    let policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ssm:StartSession\", \"Resource\": \"*\"}]}";
    let cases = [
        ("a.yaml", template, "add this:\n\nKeyPolicy: {a: [b}"),
        ("a.yaml", template, "add this:\n\n# delete the resource"),
        ("a.yaml", template, "add this:\n\nA: !Ref B"),
        ("a.yaml", template, "add this\n\nA:\n  B: c"),
        ("a.json", json_template, "add this:\n\nA:\n  B: c"),
        ("a.json", json_template, "add this:\n\n{\"A\": 1,}"),
        ("a.json", json_template, "set `A: !Ref B` in the resource"),
        (
            "p.json",
            policy,
            "add this:\n\n{\"Resource\": {\"Fn::Sub\": \"arn\"}}",
        ),
    ];
    for (name, text, help) in cases {
        let mut report = lint_bytes(name, text.as_bytes(), true, &LintOptions::default());
        let Some(finding) = report.findings.first_mut() else {
            panic!("{name}: no finding to give a help text");
        };
        finding.help = Some(help.to_string());
        report.findings.truncate(1);
        let found = problems(&report, &mut Checked::default());
        assert!(!found.is_empty(), "{name}: accepted {help:?}");
    }
    // And accepts what is valid.
    let mut report = lint_bytes(
        "a.json",
        json_template.as_bytes(),
        true,
        &LintOptions::default(),
    );
    let finding = report.findings.first_mut().expect("a finding");
    finding.help = Some("add this:\n\n\"A\": {\n  \"Ref\": \"B\"\n}\n\nthen deploy".into());
    report.findings.truncate(1);
    assert_eq!(
        problems(&report, &mut Checked::default()),
        Vec::<String>::new()
    );
    assert_eq!(
        split("a:\n\nx: 1\n\nb\n\nc:\n\n- 2"),
        (vec!["x: 1", "- 2"], vec!["a:", "b", "c:"])
    );
}

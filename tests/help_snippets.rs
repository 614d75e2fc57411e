//! The help texts of every fixture's findings, with every rule enabled: each snippet
//! (the paragraph after a sentence ending in `:`) parses in the file's language — YAML in
//! a YAML file, JSON in a JSON template or policy file — uses short-form tags only where
//! the file does, and shows no intrinsic function outside a template; in a template, its
//! references resolve and its definitions take no id the template uses (see
//! `common::help`). Every rule whose help shows a snippet shows one in JSON for some JSON
//! fixture.

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
    checked.assert_references(150, 800);
    let yaml_only: Vec<&String> = checked.codes.difference(&checked.json_codes).collect();
    assert!(
        yaml_only.is_empty(),
        "no JSON fixture shows the help snippet of {yaml_only:?}: add one under fixtures/<CODE>/fail/"
    );
}

/// The check finds what it is for: a snippet that does not parse, YAML in a JSON file, a
/// short tag in a file that uses none, an intrinsic in a policy file, code with no
/// sentence before it, a dangling `Ref`, `Fn::GetAtt` or `${}` of `Fn::Sub`, a definition
/// that takes the template's logical id.
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
    // In a template, for what it refers to or defines: the problem found is that one.
    let with_b = "Parameters:\n  B: {Type: String}\nResources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties: {ImageId: ami-1}\n";
    let references = [
        // A dangling `Ref`, `Fn::GetAtt` (both forms), `${}` of `Fn::Sub` (both forms).
        (
            "a.yaml",
            template,
            "add this:\n\nRole: {Ref: Missing}",
            "refers to `Missing`",
        ),
        (
            "a.json",
            json_template,
            "add this:\n\n\"Role\": {\"Ref\": \"Missing\"}",
            "refers to `Missing`",
        ),
        (
            "a.yaml",
            template,
            "add this:\n\nArn: {Fn::GetAtt: [Missing, Arn]}",
            "refers to `Missing`",
        ),
        (
            "a.yaml",
            template,
            "add this:\n\nArn: {Fn::GetAtt: Missing.Arn}",
            "refers to `Missing`",
        ),
        (
            "a.yaml",
            template,
            "add this:\n\nName: {Fn::Sub: \"${AWS::StackName}-${Missing}\"}",
            "refers to `Missing`",
        ),
        (
            "a.yaml",
            template,
            "add this:\n\nName: {Fn::Sub: [\"${Own}-${Missing.Arn}\", {Own: x}]}",
            "refers to `Missing`",
        ),
        // One paragraph's definition does not make another's reference resolve.
        (
            "a.yaml",
            template,
            "add this:\n\nB:\n  Type: AWS::S3::Bucket\n\nor this:\n\nC: {Ref: D}",
            "refers to `D`",
        ),
        // A definition that takes the template's id: a resource of another type, a
        // parameter.
        (
            "a.yaml",
            template,
            "add this:\n\nA:\n  Type: AWS::S3::Bucket",
            "defines `A`",
        ),
        (
            "a.yaml",
            with_b,
            "add this:\n\nB:\n  Type: AWS::S3::Bucket",
            "defines `B`",
        ),
    ];
    for (name, text, help, expected) in references {
        let mut report = lint_bytes(name, text.as_bytes(), true, &LintOptions::default());
        let finding = report.findings.first_mut().expect("a finding");
        finding.help = Some(help.to_string());
        report.findings.truncate(1);
        let found = problems(&report, &mut Checked::default());
        assert!(
            found.len() == 1 && found.iter().all(|f| f.contains(expected)),
            "{name}: {help:?} gave {found:#?}"
        );
    }
    // And accepts what is valid.
    let mut report = lint_bytes(
        "a.json",
        json_template.as_bytes(),
        true,
        &LintOptions::default(),
    );
    let finding = report.findings.first_mut().expect("a finding");
    finding.help = Some("add this:\n\n\"B\": {\n  \"Ref\": \"A\"\n}\n\nthen deploy".into());
    report.findings.truncate(1);
    assert_eq!(
        problems(&report, &mut Checked::default()),
        Vec::<String>::new()
    );
    // References to the template, a pseudo parameter, a `${!literal}`, a Sub's own
    // variable, and what the help's snippets define (in any paragraph, as a resource or
    // in a `Parameters` section); the template's resource rewritten with its own type.
    // A rewrite keeps the references of the resource it replaces, dangling or not.
    let dangling = "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties: {ImageId: ami-1, SubnetId: {Ref: Subnet}}\n";
    let accepted = [
        (template, "add this:\n\nB:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketName: {Fn::Sub: [\"${AWS::Region}-${!Literal}-${Own}-${A}\", {Own: x}]}\n\nthen this:\n\nC: [{Ref: B}, {Fn::GetAtt: [A, Arn]}, {Fn::GetAtt: B.Arn}, {Ref: AWS::NoValue}, {Ref: P}]\n\nand this:\n\nParameters:\n  P: {Type: String}"),
        (template, "rewrite it:\n\nA:\n  Type: AWS::EC2::Instance\n  Properties: {ImageId: ami-2}"),
        (dangling, "rewrite it:\n\nA:\n  Type: AWS::EC2::Instance\n  Properties: {ImageId: ami-2, SubnetId: {Ref: Subnet}}"),
    ];
    for (text, help) in accepted {
        let mut report = lint_bytes("a.yaml", text.as_bytes(), true, &LintOptions::default());
        let finding = report.findings.first_mut().expect("a finding");
        finding.help = Some(help.into());
        report.findings.truncate(1);
        assert_eq!(
            problems(&report, &mut Checked::default()),
            Vec::<String>::new(),
            "{help}"
        );
    }
    assert_eq!(
        split("a:\n\nx: 1\n\nb\n\nc:\n\n- 2"),
        (vec!["x: 1", "- 2"], vec!["a:", "b", "c:"])
    );
}

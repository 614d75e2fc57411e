//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` (cargo-fuzz, which
//! needs a nightly compiler) and `tests/fuzz_replay.rs`, which replays every seed and every
//! saved crash (`fuzz/regressions/<target>/`) through them on the stable toolchain.
//!
//! A target fails by panicking: a crash of the linter, or a broken invariant checked here
//! (a span outside its text, a report that is not valid JSON).

#![allow(dead_code)]

use std::sync::OnceLock;

use clap::Parser as _;
use ssmlint::engine::config::Config;
use ssmlint::engine::{lint_bytes, lint_source, lint_stdin, FileReport, LintOptions};
use ssmlint::guard::GuardSet;
use ssmlint::report::{github, human, json, junit, sarif};
use ssmlint::syntax::{self, Node, NodeKind};
use ssmlint::{Severity, SourceFile};

/// A target's body.
pub type Target = fn(&[u8]);

/// The targets, by name (the name of the `fuzz_targets/` file and of the folders under
/// `fuzz/regressions/` and `fuzz/seeds/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("parse", parse),
    ("lint", lint),
    ("suppress", suppress),
    ("config", config),
    ("guard", guard),
];

/// Inputs longer than this are cut (libFuzzer's default `-max_len` is 4096 anyway).
const MAX_LEN: usize = 64 * 1024;

fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(&data[..data.len().min(MAX_LEN)]).into_owned()
}

/// Every span of the tree lies inside the text, on character boundaries.
fn check_spans(text: &str, root: &Node) {
    let check = |start: usize, end: usize| {
        assert!(
            start <= end && end <= text.len(),
            "span {start}..{end} outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {start}..{end} inside a character"
        );
    };
    let mut todo = vec![root];
    while let Some(node) = todo.pop() {
        check(node.span.start(), node.span.end());
        match &node.kind {
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(entries) => {
                for e in entries {
                    check(e.key_span.start(), e.key_span.end());
                    todo.push(&e.value);
                }
            }
            NodeKind::Opaque(tagged) => todo.push(&tagged.value),
            _ => {}
        }
    }
}

/// YAML and JSON parsing: every parser on the same text.
pub fn parse(data: &[u8]) {
    let text = text_of(data);
    if let Ok(stream) = syntax::yaml::parse_stream(&text) {
        check_spans(&text, &stream.root);
        if let Some(err) = &stream.trailing {
            assert!(err.span.end() <= text.len());
        }
    }
    if let Ok(root) = syntax::json::parse(&text) {
        check_spans(&text, &root);
    }
    if let Ok(root) = syntax::parse(&text) {
        check_spans(&text, &root);
    }
    for name in ["t.yaml", "t.json", "t.template"] {
        match syntax::parse_file(name, &text) {
            Ok(parsed) => check_spans(&text, &parsed.root),
            Err(err) => assert!(err.span.start() <= err.span.end().max(err.span.start())),
        }
    }
}

/// Every built-in rule (the Guard ones included) and the example Guard rules, then
/// every output format.
pub fn lint(data: &[u8]) {
    let data = &data[..data.len().min(MAX_LEN)];
    let options = options_with_examples();
    let reports = vec![
        lint_bytes("t.yaml", data, true, options),
        lint_bytes("t.json", data, true, options),
        lint_bytes("dir/t.template", data, false, options),
        lint_stdin("<stdin>", data, options),
    ];
    render_all(&reports, options);
}

/// Suppression comments and metadata: the input's lines become `# ssmlint: ...` comments
/// above the keys of a template, and the body of its `Metadata: ssmlint`.
pub fn suppress(data: &[u8]) {
    const BASE: &[&str] = &[
        "Resources:",
        "  Web:",
        "    Type: AWS::EC2::Instance",
        "    Properties:",
        "      ImageId: ami-1",
        "      KeyName: k",
        "      UserData: |",
        "        # ssmlint: ignore[SSM100]",
        "  Sg:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        "      GroupDescription: ssh",
        "      SecurityGroupIngress:",
        "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}",
    ];
    let text = text_of(data);
    let lines: Vec<&str> = text.lines().take(200).collect();
    let mut template = String::new();
    for (i, base) in BASE.iter().enumerate() {
        if let Some(line) = lines.get(i) {
            let indent = base.len() - base.trim_start().len();
            template.push_str(&format!("{}# ssmlint: {line}\n", " ".repeat(indent)));
        }
        template.push_str(base);
        template.push('\n');
    }
    for line in lines.iter().skip(BASE.len()) {
        template.push_str(&format!("# ssmlint: {line}\n"));
    }
    // The shipped Guard rules (cfn-guard evaluations) only on the input as it is: the
    // target is about suppressions, and cfn-guard would take most of its time.
    let options = LintOptions {
        ignore: vec!["SSM204", "SSM205"],
        ..LintOptions::default()
    };
    let selective = LintOptions {
        select: Some(vec!["SSM100", "SSM200"]),
        ..LintOptions::default()
    };
    let mut reports = Vec::new();
    for options in [&options, &selective] {
        reports.push(lint_source(
            SourceFile::new("t.yaml", template.as_str()),
            true,
            options,
        ));
    }
    // The input as the value of `Metadata: ssmlint` (template and resource level).
    let body: String = text.lines().take(50).collect::<Vec<_>>().join(" ");
    for metadata in [
        format!("Metadata:\n  ssmlint: {body}\n{}\n", BASE.join("\n")),
        format!(
            "{}\n    Metadata:\n      ssmlint: {body}\n",
            BASE[..6].join("\n")
        ),
    ] {
        reports.push(lint_source(
            SourceFile::new("m.yaml", metadata),
            true,
            &options,
        ));
    }
    // And the input itself, as a template that may hold suppressions.
    reports.push(lint_source(
        SourceFile::new("raw.yaml", text.as_str()),
        true,
        &LintOptions::default(),
    ));
    render_all(&reports, &options);
}

/// A configuration file, and the options a run makes of it.
pub fn config(data: &[u8]) {
    let text = text_of(data);
    if let Ok(config) = Config::from_text(&text, ".ssmlint.yaml") {
        let _ = config.rule_settings();
        if let Ok(cli) =
            ssmlint::cli::Cli::try_parse_from(["ssmlint", "--select", "SSM100", "x.yaml"])
        {
            let options = ssmlint::cli::lint_options(&cli.check, &config);
            let report = lint_source(SourceFile::new("t.yaml", SAMPLE), true, &options);
            render_all(&[report], &options);
        }
    }
}

/// A Guard rule file, evaluated on a few templates when it is valid.
pub fn guard(data: &[u8]) {
    let text = text_of(data);
    let Ok(set) = GuardSet::from_text("fuzz.guard", &text) else {
        return;
    };
    let options = LintOptions {
        guard: set,
        ..LintOptions::default()
    };
    let reports: Vec<FileReport> = [SAMPLE, SAMPLE_WITH_CONDITIONS]
        .iter()
        .map(|t| lint_source(SourceFile::new("t.yaml", *t), true, &options))
        .collect();
    render_all(&reports, &options);
}

/// A template with an instance, a security group and a role.
const SAMPLE: &str = "Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      KeyName: !Ref Key
      IamInstanceProfile: !Ref Profile
      SecurityGroupIds: [!Ref Sg]
      MetadataOptions: {HttpTokens: optional}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref Role]}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore]
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
  Bucket:
    Type: AWS::S3::Bucket
Parameters:
  Key: {Type: String, Default: my-key}
";

const SAMPLE_WITH_CONDITIONS: &str = "Conditions:
  Prod: !Equals [!Ref Env, prod]
Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Web:
    Type: AWS::EC2::Instance
    Condition: Prod
    Properties:
      ImageId: ami-1
      KeyName: !If [Prod, !Ref AWS::NoValue, k]
      MetadataOptions: !If [Prod, {HttpTokens: required}, {HttpTokens: optional}]
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {KeyName: x, MetadataOptions: {HttpTokens: optional}}
";

/// The default options plus the example Guard rules of `examples/guard/`, loaded once.
fn options_with_examples() -> &'static LintOptions {
    static OPTIONS: OnceLock<LintOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let text = concat!(
            include_str!("../examples/guard/ssh-key-pair.guard"),
            "\n",
            include_str!("../examples/guard/imdsv1-enabled.guard"),
        );
        let guard = GuardSet::from_text("examples.guard", text).unwrap_or_default();
        LintOptions {
            guard,
            ..LintOptions::default()
        }
    })
}

/// Renders the reports in every format; JSON and SARIF must be valid JSON.
fn render_all(reports: &[FileReport], options: &LintOptions) {
    let enabled = |code: &str| options.is_enabled(code);
    for width in [40, 100] {
        let human_options = human::HumanOptions {
            color: width == 40,
            width,
        };
        let _ = human::render_human(reports, &human_options);
    }
    let out = json::render_json(reports);
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "invalid JSON output"
    );
    let user_rules = options.guard.user_rules();
    let out = sarif::render_sarif(reports, None, &enabled, &user_rules);
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "invalid SARIF output"
    );
    let _ = github::render_github(reports);
    let _ = junit::render_junit(reports, Severity::Warning, &enabled);
    let _ = ssmlint::report::exit_code(reports, Severity::Error);
}

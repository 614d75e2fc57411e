//! Regression tests of the reliability issue: inputs that crashed, hung or blew up the
//! linter, or made it report dishonestly. Each test names the defect it pins down. Tests
//! go through the library where the defect is there, through the binary where it is in
//! the command line or in I/O. None asserts a timing: the scale cases are in
//! `scripts/stress.sh`.

mod common;

use ssmlint::engine::{lint_bytes, lint_source, FileKind, FileReport, LintOptions};
use ssmlint::SourceFile;

fn lint(name: &str, text: &str) -> FileReport {
    lint_source(SourceFile::new(name, text), true, &LintOptions::default())
}

fn codes(report: &FileReport) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.code).collect()
}

// 1. A policy document that is a plain scalar was re-parsed as a string document
//    without end (stack overflow).
/// `Resources:` with `count` entries written by `entry(i)`.
fn resources(count: usize, entry: impl Fn(usize) -> String) -> String {
    let mut text = String::from("Resources:\n");
    for i in 0..count {
        text.push_str(&entry(i));
    }
    text
}

#[test]
fn scalar_policy_documents_do_not_recurse() {
    for document in [
        "x",
        "'42'",
        "'\"x\"'",
        "!Ref Doc",
        "!Join ['', [a, b]]",
        "'\"{\"'",
    ] {
        for key in ["AssumeRolePolicyDocument", "PolicyDocument"] {
            let text = format!(
                "Parameters:\n  Doc: {{Type: String, Default: x}}\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      {key}: {document}\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [!Ref R]\n      {key}: {document}\n"
            );
            let report = lint("t.yaml", &text);
            assert_eq!(report.kind, FileKind::Template, "{text}");
        }
    }
    let report = lint_bytes(
        "t.yaml",
        b"Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: x\n",
        true,
        &LintOptions::default(),
    );
    assert_eq!(report.kind, FileKind::Template);
    let _ = codes(&report);
}

// 3. A non-ASCII rule name given to `--select`, `--ignore` or `--severity` panicked on a
//    byte slice.
#[test]
fn non_ascii_rule_names_are_usage_errors() {
    use clap::Parser;
    for args in [
        ["--select", "aa€"],
        ["--ignore", "aa€"],
        ["--severity", "aa€=off"],
        ["--select", "€"],
        ["--select", "SS€1"],
    ] {
        let parsed = ssmlint::cli::Cli::try_parse_from(
            ["ssmlint"].into_iter().chain(args).chain(["x.yaml"]),
        );
        // Not a built-in rule: maybe a Guard rule, checked once the rule files are read;
        // what matters is that nothing panics.
        if let Err(err) = parsed {
            assert_eq!(err.exit_code(), 2, "{args:?}: {err}");
        }
    }
}

// 2. The human renderer panicked on a finding at column ≥ 65,536 (any minified JSON
//    template over 64 KB with a finding).
#[test]
fn human_output_of_a_finding_past_column_65535() {
    let mut text = String::from("{\"Resources\":{");
    for i in 0..1500 {
        text.push_str(&format!(
            "\"Bucket{i}\":{{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{{\"BucketName\":\"bucket-{i}-abcdefghijklmnopqrstuvwxyz\"}}}},"
        ));
    }
    text.push_str(
        "\"Web\":{\"Type\":\"AWS::EC2::Instance\",\"Properties\":{\"ImageId\":\"ami-1\"}}}}",
    );
    assert!(text.len() > 100_000 && !text.contains('\n'));
    let report = lint("wide.json", &text);
    assert!(codes(&report).contains(&"SSM100"), "{:?}", codes(&report));
    let column = text.find("\"Web\"").unwrap() + 1;
    let out = ssmlint::report::human::render_human(&[report], &Default::default());
    assert!(out.contains(&format!("[wide.json:1:{column}]")), "{out}");
    assert!(out.contains("no `IamInstanceProfile` here"), "{out}");
    assert!(
        out.lines().all(|l| l.len() < 1000),
        "a line of the output is huge"
    );
}

// 4. Aliases bypassed the nesting limit (a stack overflow in the Guard document
//    conversion) and the expansion budget counted nodes, not text (2.2 GB from 3 KB).
#[test]
fn aliases_count_towards_depth_and_text_budgets() {
    let mut deep = String::from(
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n      A0: &a0 [x]\n",
    );
    for i in 1..1400 {
        deep.push_str(&format!("      A{i}: &a{i} [*a{}]\n", i - 1));
    }
    let report = lint("deep.yaml", &deep);
    assert_eq!(report.kind, FileKind::Error);
    assert!(
        report
            .error
            .as_deref()
            .unwrap_or("")
            .contains("nested deeper than"),
        "{:?}",
        report.error
    );
    let mut wide = format!(
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n      Tags: &s0 [\"{}\"]\n",
        "x".repeat(3000)
    );
    for i in 1..5 {
        let list = vec![format!("*s{}", i - 1); 30].join(", ");
        wide.push_str(&format!("      X{i}: &s{i} [{list}]\n"));
    }
    assert!(wide.len() < 4000);
    let report = lint("wide.yaml", &wide);
    assert_eq!(report.kind, FileKind::Error);
    assert!(
        report.error.as_deref().unwrap_or("").contains("alias bomb"),
        "{:?}",
        report.error
    );
}

// 10. The lenient-indentation retry re-parsed the file once per offending line, and gave
//     up after 64: every such line is now repaired in one pass, and the file parsed once
//     more.
#[test]
fn every_under_indented_line_is_repaired_in_one_pass() {
    let text = resources(200, |i| {
        format!("  Q{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: 'first\n      second'\n      Tags: [\n        {{Key: k, Value: v}}\n      ]\n")
    });
    let report = lint("t.yaml", &text);
    assert_eq!(report.kind, FileKind::Template, "{:?}", report.error);
    let root = ssmlint::syntax::yaml::parse(&text).unwrap();
    let q = root.get("Resources").and_then(|r| r.entry("Q199")).unwrap();
    assert_eq!(Some(q.key_span.start()), text.find("Q199:"));
    let name = q.value.get("Properties").and_then(|p| p.get("QueueName"));
    assert_eq!(name.and_then(|n| n.as_str()), Some("first second"));
    // A repair may not change the structure: a block line is never moved.
    let broken = "a:\n  b: 1\n c: 2\n";
    assert!(ssmlint::syntax::yaml::parse(broken).is_err());
}

// 18. Only the first YAML document was read: a second one (opening SSH to the world, or
//     with a syntax error) was ignored. It is SSM000 at its `---`, and the first document
//     is still linted.
#[test]
fn a_second_yaml_document_is_a_parse_error_and_the_first_is_linted() {
    let first =
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n";
    let second = "---\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ssh\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n";
    for tail in [second, "---\n", "---\nResources: [\n", "...\n]\n"] {
        let text = format!("{first}{tail}");
        let report = lint("t.yaml", &text);
        assert_eq!(report.kind, FileKind::Template, "{tail:?}");
        let ssm000: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code == "SSM000")
            .collect();
        assert_eq!(ssm000.len(), 1, "{tail:?}: {:?}", report.findings);
        if tail.starts_with("---") {
            assert_eq!(ssm000[0].span.start(), first.len(), "{tail:?}");
        }
        assert!(
            codes(&report).contains(&"SSM100"),
            "the first document is linted"
        );
        assert!(report.error.is_some());
        assert_eq!(
            ssmlint::report::exit_code(&[report], ssmlint::Severity::Error),
            ssmlint::report::EXIT_ERROR
        );
    }
    // A leading `---` and a closing `...` are one document.
    let report = lint("t.yaml", &format!("---\n{first}...\n"));
    assert!(report.error.is_none(), "{:?}", report.error);
}

// 19. A `.yaml` file whose top level is a flow mapping was read as strict JSON and failed.
//     The extension decides (`.json` JSON, `.yaml`/`.yml` YAML); for the others, content
//     that looks like JSON and is not is read as YAML.
#[test]
fn the_parser_is_chosen_by_extension_then_content() {
    let flow = "{Resources: {Web: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1}}}}\n";
    for name in ["t.yaml", "t.yml", "t.template", "t.cfn", "<stdin>"] {
        let report = lint(name, flow);
        assert_eq!(
            report.kind,
            FileKind::Template,
            "{name}: {:?}",
            report.error
        );
        assert!(codes(&report).contains(&"SSM100"), "{name}");
    }
    let report = lint("t.json", flow);
    assert_eq!(report.kind, FileKind::Error);
    assert!(report
        .error
        .as_deref()
        .unwrap_or("")
        .starts_with("invalid JSON"));
    // Strict JSON where JSON is meant: a trailing comma in `.json` or in JSON content.
    let trailing = "{\"Resources\": {\"Web\": {\"Type\": \"AWS::EC2::Instance\"},}}";
    assert_eq!(lint("t.json", trailing).kind, FileKind::Error);
    // YAML text in a `.json` file is not JSON.
    assert_eq!(lint("t.json", "Resources: {}\n").kind, FileKind::Error);
}

// ---------------------------------------------------------------------------------------
// Through the binary: inputs, outputs, exit codes.

/// Item 7: a condition that uses the one before it twice, 60 levels deep (2^60 paths
/// for a naive evaluator) is decided within its budget; `C59` is a tautology, so the
/// world-open branch is the one that exists.
#[test]
fn conditions_that_double_at_each_level_are_bounded() {
    let mut text = String::from(
        "Parameters:\n  P: {Type: String, Default: a}\nConditions:\n  C0: !Equals [!Ref P, a]\n",
    );
    for i in 1..60 {
        let p = i - 1;
        text.push_str(&format!(
            "  C{i}: !Or [!And [{{Condition: C{p}}}, {{Condition: C{p}}}], !Not [{{Condition: C{p}}}]]\n"
        ));
    }
    text.push_str("Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !If [C59, 0.0.0.0/0, 10.0.0.0/8]}\n");
    let report = lint("deep.yaml", &text);
    assert!(codes(&report).contains(&"SSM200"), "{:?}", codes(&report));
}

/// Item 6: `Fn::FindInMap` nested seven deep, each level with four `Fn::If`
/// alternatives (4^7 combinations), stays within the evaluation budget.
#[test]
fn nested_find_in_map_with_if_alternatives_is_bounded() {
    let alts = "!If [A, x, !If [B, y, !If [C, z, w]]]";
    let mut expr = format!("!FindInMap [M, {alts}, {alts}]");
    for _ in 0..6 {
        expr = format!("{{'Fn::FindInMap': [M, {expr}, {alts}]}}");
    }
    let mut text = String::from("Parameters:\n  P: {Type: String}\nConditions:\n  A: !Equals [!Ref P, a]\n  B: !Equals [!Ref P, b]\n  C: !Equals [!Ref P, c]\nMappings:\n  M:\n");
    for k in ["x", "y", "z", "w"] {
        text.push_str(&format!("    {k}: {{x: x, y: y, z: z, w: w}}\n"));
    }
    text.push_str(&format!("Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n      KeyName: {expr}\n"));
    let report = lint("fim.yaml", &text);
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(codes(&report).contains(&"SSM204"), "{:?}", codes(&report));
}

/// Item 8: `Fn::Sub` with 3,000 variables is linear: the one value is known.
#[test]
fn sub_with_thousands_of_variables_is_linear() {
    let names: String = (0..3000).map(|i| format!("${{V{i}}}")).collect();
    let values: Vec<String> = (0..3000).map(|i| format!("V{i}: v{i}")).collect();
    let text = format!(
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n      KeyName: !Sub\n        - '{names}'\n        - {{{}}}\n",
        values.join(", ")
    );
    let report = lint("sub.yaml", &text);
    let key = report
        .findings
        .iter()
        .find(|f| f.code == "SSM204")
        .expect("the key pair is known");
    common::assert_contains(&key.message, "v0v1v2");
}

/// Item 13: the identity chains are linear in roles: 3,000 roles, each with a profile
/// and an instance, are linted (every instance reachable: one SSM301 naming them).
#[test]
fn identity_chains_are_linear_in_roles() {
    let text = resources(3000, |i| {
        format!("  Role{i}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement: [{{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}]\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore]\n  Profile{i}:\n    Type: AWS::IAM::InstanceProfile\n    Properties: {{Roles: [!Ref Role{i}]}}\n  Web{i}:\n    Type: AWS::EC2::Instance\n    Properties: {{ImageId: ami-1, IamInstanceProfile: !Ref Profile{i}, MetadataOptions: {{HttpTokens: required}}}}\n")
    });
    let report = lint("roles.yaml", &text);
    assert_eq!(codes(&report), ["SSM301"]);
    assert!(report.findings[0].message.contains("and 2999 more"));
}

/// A finding about thousands of resources is drawn with its first labels only (miette
/// reads its source once per label: drawing all of them was quadratic in the file).
#[test]
fn human_output_of_a_finding_with_thousands_of_labels_is_bounded() {
    let text = resources(3000, |i| {
        format!("  Role{i}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement: [{{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}]\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore]\n  Profile{i}:\n    Type: AWS::IAM::InstanceProfile\n    Properties: {{Roles: [!Ref Role{i}]}}\n  Web{i}:\n    Type: AWS::EC2::Instance\n    Properties: {{ImageId: ami-1, IamInstanceProfile: !Ref Profile{i}, MetadataOptions: {{HttpTokens: required}}}}\n")
    });
    let report = lint("roles.yaml", &text);
    assert_eq!(report.findings[0].labels.len(), 2999);
    let human = ssmlint::report::human::render_human(
        std::slice::from_ref(&report),
        &ssmlint::report::human::HumanOptions::default(),
    );
    common::assert_contains(
        &human,
        "note: 2990 more labelled places are not shown here (`--format json` lists them all)",
    );
    assert_eq!(human.matches("also reachable").count(), 9, "{human}");
    assert!(human.lines().count() < 200, "{human}");
}

mod binary {
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    pub struct Run {
        pub code: i32,
        pub stdout: String,
        pub stderr: String,
    }

    pub fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ssmlint-rel-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    pub fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(path, text).expect("write");
    }

    pub fn command(dir: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ssmlint"));
        command
            .args(args)
            .current_dir(dir)
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs to the end, or fails the test after 60 s (a hang is the defect).
    pub fn finish(mut command: Command, stdin: Option<&[u8]>) -> Run {
        if stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command.spawn().expect("ssmlint starts");
        if let Some(bytes) = stdin {
            let mut pipe = child.stdin.take().expect("piped");
            let _ = pipe.write_all(bytes);
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("ssmlint did not finish in 60 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().expect("output");
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        crate::common::assert_lacks(&run.stderr, "panicked");
        run
    }

    pub fn ssmlint(dir: &Path, args: &[&str]) -> Run {
        finish(command(dir, args), None)
    }

    pub fn codes(run: &Run) -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
        value["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["code"].as_str().map(str::to_string))
            .collect()
    }

    pub fn mkfifo(path: &Path) -> bool {
        Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    }

    pub const TEMPLATE: &str =
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n";
}

use binary::{codes as run_codes, scratch, ssmlint, write, TEMPLATE};

// 14. A FIFO as an input, as `--config`, or inside a `--rules` directory blocked forever.
#[test]
fn fifos_are_refused_not_read() {
    let dir = scratch("fifo");
    write(&dir.join("t.yaml"), TEMPLATE);
    if !binary::mkfifo(&dir.join("pipe.yaml")) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let run = ssmlint(
        &dir,
        &["--no-config", "--format", "json", "pipe.yaml", "t.yaml"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    common::assert_contains(&run.stdout, "not a regular file");
    assert!(
        run_codes(&run).contains(&"SSM100".to_string()),
        "other files still linted"
    );

    let run = ssmlint(&dir, &["--config", "pipe.yaml", "t.yaml"]);
    assert_eq!(run.code, 2);
    common::assert_contains(&run.stderr, "not a regular file");

    std::fs::create_dir_all(dir.join("rules")).unwrap();
    assert!(binary::mkfifo(&dir.join("rules/x.guard")));
    let run = ssmlint(&dir, &["--no-config", "--rules", "rules", "t.yaml"]);
    assert_eq!(run.code, 2);
    common::assert_contains(
        &run.stderr,
        "rules/x.guard: cannot read: not a regular file",
    );
    let run = ssmlint(&dir, &["--no-config", "--rules", "pipe.yaml", "t.yaml"]);
    assert_eq!(run.code, 2);
    common::assert_contains(&run.stderr, "not a regular file");
}

// 15. Inputs, `--config` and stdin had no size limit (`/dev/zero` grew to 2 GB).
#[test]
fn inputs_over_64_mib_are_refused() {
    let dir = scratch("size");
    let big = std::fs::File::create(dir.join("big.yaml")).unwrap();
    big.set_len(ssmlint::base::io::MAX_INPUT_BYTES + 1).unwrap();
    let run = ssmlint(&dir, &["--no-config", "--format", "json", "big.yaml"]);
    assert_eq!(run.code, 2);
    common::assert_contains(&run.stdout, "larger than 64 MiB");
    let run = ssmlint(&dir, &["--config", "big.yaml", "big.yaml"]);
    assert_eq!(run.code, 2);
    common::assert_contains(&run.stderr, "larger than 64 MiB");
    if Path::new("/dev/zero").exists() {
        let run = ssmlint(&dir, &["--no-config", "--format", "json", "/dev/zero"]);
        assert_eq!(run.code, 2);
        common::assert_contains(&run.stdout, "not a regular file");
        let mut command = binary::command(&dir, &["--no-config", "--format", "json", "-"]);
        command.stdin(std::fs::File::open("/dev/zero").unwrap());
        let run = binary::finish(command, None);
        assert_eq!(run.code, 2);
        common::assert_contains(&run.stdout, "larger than 64 MiB");
    }
}

use std::path::Path;

// 16. Inputs were deduplicated by display name: `dir dir/x.yaml` dropped the named file's
//     SSM001, and `--stdin-filename X - X` dropped file X.
#[test]
fn inputs_are_deduplicated_by_file_not_by_name() {
    let dir = scratch("dedup");
    write(&dir.join("d/unsupported.yaml"), "name: not a template\n");
    write(&dir.join("d/t.yaml"), TEMPLATE);
    let run = ssmlint(
        &dir,
        &["--no-config", "--format", "json", "d", "d/unsupported.yaml"],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run_codes(&run).contains(&"SSM001".to_string()));
    let run = ssmlint(
        &dir,
        &[
            "--no-config",
            "--format",
            "json",
            "d/t.yaml",
            "./d/t.yaml",
            "d",
        ],
    );
    assert_eq!(run_codes(&run).iter().filter(|c| *c == "SSM100").count(), 1);

    let mut command = binary::command(
        &dir,
        &[
            "--no-config",
            "--format",
            "json",
            "--stdin-filename",
            "d/t.yaml",
            "-",
            "d/t.yaml",
        ],
    );
    command.stdin(std::process::Stdio::piped());
    let run = binary::finish(command, Some(b"{}\n"));
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        value["files"].as_array().map(Vec::len),
        Some(2),
        "{}",
        run.stdout
    );
    assert!(
        run_codes(&run).contains(&"SSM100".to_string()),
        "file d/t.yaml linted"
    );
}

// 17. `--select`, `--ignore` and `--severity X=off` could hide SSM000/SSM001 (exit 2 with
//     nothing shown, or an unsupported file's 2 turned into 0); SSM002 vanished under
//     `--select` although the README says it fires whatever the run selects.
#[test]
fn input_errors_and_stale_suppressions_survive_selection() {
    let dir = scratch("select");
    write(&dir.join("broken.yaml"), "a: [\n");
    write(&dir.join("other.yaml"), "name: x\n");
    let cases = [
        (
            "broken.yaml",
            "SSM000",
            vec![
                &["--ignore", "SSM000"][..],
                &["--select", "SSM100"],
                &["--severity", "SSM000=off"],
                &["--severity", "SSM000=info"],
            ],
        ),
        (
            "other.yaml",
            "SSM001",
            vec![
                &["--ignore", "SSM001"][..],
                &["--select", "SSM100"],
                &["--severity", "SSM001=off"],
            ],
        ),
    ];
    for (file, code, arg_sets) in cases {
        for args in arg_sets {
            let options = [&["--no-config", "--format", "json"][..], args, &[file]].concat();
            let run = ssmlint(&dir, &options);
            assert_eq!(run.code, 2, "{args:?}");
            assert_eq!(run_codes(&run), [code], "{args:?}");
            assert!(run.stdout.contains("\"severity\": \"error\""), "{args:?}");
        }
    }
    write(
        &dir.join("stale.yaml"),
        &format!("{TEMPLATE}    Metadata: {{ssmlint: {{ignore: [SSM105]}}}}\n"),
    );
    let stale = [
        "--no-config",
        "--format",
        "json",
        "--select",
        "SSM100",
        "stale.yaml",
    ];
    let mut found = run_codes(&ssmlint(&dir, &stale));
    found.sort();
    assert_eq!(found, ["SSM002", "SSM100"]);
    let ignoring = [&stale[..], &["--ignore", "SSM002"]].concat();
    assert_eq!(run_codes(&ssmlint(&dir, &ignoring)), ["SSM100"]);
}

// Issue 17, item 13: SSM001's help told stdin to "pass --exclude to skip this file".
#[test]
fn unsupported_stdin_is_not_told_to_use_exclude() {
    let dir = scratch("stdin001");
    let mut command = binary::command(&dir, &["--no-config", "--format", "json", "-"]);
    command.stdin(std::process::Stdio::piped());
    let run = binary::finish(command, Some(b"name: x\n"));
    assert_eq!(run.code, 2);
    common::assert_contains(&run.stdout, "this came from stdin");
    common::assert_lacks(&run.stdout, "--exclude");
}

// Issue 17, item 14: an empty role name read as "the role named ``" (SSM106, from
// outside the template); it names no role: SSM102 for a profile, SSM100 for a node group.
#[test]
fn an_empty_role_name_is_no_role() {
    let text = "Resources:\n  Profile:\n    Type: AWS::IAM::InstanceProfile\n    Properties:\n      Roles: [\"\"]\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      IamInstanceProfile: !Ref Profile\n      MetadataOptions: {HttpTokens: required}\n  Nodes:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: c\n      NodeRole: \"arn:aws:iam::123456789012:role/\"\n      Subnets: [subnet-1]\n";
    let report = lint_bytes("t.yaml", text.as_bytes(), true, &LintOptions::default());
    let rendered: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.code, f.message))
        .collect();
    assert!(
        rendered
            .iter()
            .all(|f| !f.contains("``") && !f.starts_with("SSM106")),
        "{rendered:#?}"
    );
    assert!(
        rendered
            .iter()
            .any(|f| f == "SSM102 instance profile `Profile` lists an empty role name: instances using it get no credentials"),
        "{rendered:#?}"
    );
}

// 20. `--format json=t.yaml t.yaml` overwrote the template being linted.
#[test]
fn a_report_never_overwrites_an_input() {
    let dir = scratch("overwrite");
    write(&dir.join("t.yaml"), TEMPLATE);
    write(&dir.join("sub/u.yaml"), TEMPLATE);
    write(&dir.join("c.yaml"), "fail_on: error\n");
    for args in [
        &["--no-config", "--format", "json=t.yaml", "t.yaml"][..],
        &["--no-config", "--format", "sarif=./sub/../t.yaml", "t.yaml"],
        &["--no-config", "--format", "json=sub/u.yaml", "."],
        &["--config", "c.yaml", "--format", "junit=c.yaml", "t.yaml"],
        &[
            "--no-config",
            "--format",
            "json=out.json",
            "--format",
            "sarif=./out.json",
            "t.yaml",
        ],
    ] {
        let run = ssmlint(&dir, args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("t.yaml")).unwrap(),
            TEMPLATE
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("sub/u.yaml")).unwrap(),
            TEMPLATE
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("c.yaml")).unwrap(),
            "fail_on: error\n"
        );
    }
    let run = ssmlint(
        &dir,
        &["--no-config", "--format", "json=out/r.json", "t.yaml"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        dir.join("out/r.json").is_file(),
        "the report's directory is created"
    );
}

// 21. Every stdout write error was ignored (meant for a closed pipe), so `> /dev/full`
//     lost the report and exited 0 or 1.
#[test]
fn a_lost_report_is_exit_2_but_a_closed_pipe_is_not() {
    let dir = scratch("stdout");
    write(&dir.join("t.yaml"), TEMPLATE);
    if Path::new("/dev/full").exists() {
        let mut command = binary::command(&dir, &["--no-config", "t.yaml"]);
        command.stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
        let run = binary::finish(command, None);
        assert_eq!(run.code, 2);
        common::assert_contains(&run.stderr, "cannot write the report to stdout");
    }
    // A reader that goes away: the run's own exit code.
    let mut command = binary::command(
        &dir,
        &["--no-config", "--format", "json", "t.yaml", "t.yaml"],
    );
    command.stdout(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

// 5. A `.guard` file with thousands of nested blocks or a 5,000-deep list overflowed the
//    stack in cfn-guard's parser: the depth is bounded before cfn-guard sees the text.
#[cfg(feature = "guard")]
#[test]
fn deeply_nested_guard_files_are_refused_with_their_place() {
    use ssmlint::guard::GuardSet;
    let blocks = format!(
        "rule deep {{\n{}Resources.* {{ Type == 'x' }}\n{}}}\n",
        "when Resources exists {\n".repeat(5000),
        "}\n".repeat(5000)
    );
    let list = format!(
        "rule deep {{\n  Resources.*.Type in {}'x'{}\n}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    for text in [&blocks, &list] {
        let err = GuardSet::from_text("deep.guard", text).expect_err("refused");
        assert!(err[0].starts_with("deep.guard:"), "{err:?}");
        assert!(err[0].contains("nested deeper than 64 levels"), "{err:?}");
    }
    let dir = scratch("guard-deep");
    write(&dir.join("deep.guard"), &list);
    write(&dir.join("t.yaml"), TEMPLATE);
    let run = ssmlint(&dir, &["--no-config", "--rules", "deep.guard", "t.yaml"]);
    assert_eq!(run.code, 2);
    common::assert_contains(&run.stderr, "error: deep.guard:2:");

    // Up to the limit, rules parse and evaluate, also on a worker thread's 2 MiB stack.
    let nested = format!(
        "rule nested {{\n{}Resources.* {{ Type exists }}\n{}}}\n",
        "when Resources exists {\n".repeat(60),
        "}\n".repeat(60)
    );
    let guard = GuardSet::from_text("nested.guard", &nested).expect("60 levels are fine");
    let options = LintOptions {
        guard,
        ..LintOptions::default()
    };
    let report = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || lint_source(SourceFile::new("t.yaml", TEMPLATE), true, &options))
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(report.kind, FileKind::Template);
}

// 9. Suppressions were quadratic: 20,000 comments took over 120 s, one comment naming
//    100,000 rules 28 s (each finding was matched against every directive; each comment
//    walked the whole tree and the comment lines below it). Scale, not timing: these
//    take a fraction of a second now.
#[test]
fn suppressions_scale_linearly() {
    let text = resources(20_000, |i| {
        format!("  # ssmlint: ignore[SSM100] lab {i}\n  Web{i}:\n    Type: AWS::EC2::Instance\n")
    });
    let report = lint("t.yaml", &text);
    assert_eq!(report.suppressed.len(), 20_000);
    assert!(report.findings.iter().all(|f| f.code != "SSM100"));

    let mut text = resources(20_000, |i| {
        format!("  # ssmlint: ignore[SSM105] stale {i}\n")
    });
    text.push_str("  Web:\n    Type: AWS::EC2::Instance\n");
    let report = lint("t.yaml", &text);
    assert_eq!(
        codes(&report).iter().filter(|c| **c == "SSM002").count(),
        20_000
    );

    let names: Vec<String> = (0..30_000).map(|i| format!("r{i}")).collect();
    let text = format!(
        "Resources:\n  # ssmlint: ignore[{}]\n  Web:\n    Type: AWS::EC2::Instance\n",
        names.join(",")
    );
    let report = lint("t.yaml", &text);
    assert_eq!(
        codes(&report).iter().filter(|c| **c == "SSM002").count(),
        30_000
    );
}

// 12. Guard post-processing was quadratic in resources (each failing clause's path was
//     compared with every resource and every key of `Resources`): 10,000 instances took
//     5.1 s. Paths are looked up by hash; ids holding `/` still resolve to the longest
//     id. Scale, not timing.
#[cfg(feature = "guard")]
#[test]
fn guard_findings_are_placed_by_lookup() {
    let rules = concat!(
        include_str!("../examples/guard/ssh-key-pair.guard"),
        "\n",
        include_str!("../examples/guard/imdsv1-enabled.guard"),
    );
    let guard = ssmlint::guard::GuardSet::from_text("examples.guard", rules).unwrap();
    let options = LintOptions {
        guard,
        ..LintOptions::default()
    };
    let mut text = resources(2000, |i| {
        format!("  Web{i}:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n      KeyName: k{i}\n")
    });
    // Logical ids cannot hold `/`, but a Guard path does not escape it: the longest id
    // that the path starts with is the resource.
    text.push_str("  A:\n    Type: AWS::S3::Bucket\n  A/B:\n    Type: AWS::EC2::Instance\n    Properties: {ImageId: ami-1, KeyName: x}\n");
    let report = lint_source(SourceFile::new("t.yaml", text.as_str()), true, &options);
    let keys: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "EX204")
        .collect();
    assert_eq!(keys.len(), 2001, "{:?}", codes(&report));
    let last = keys.iter().find(|f| f.resource.as_deref() == Some("A/B"));
    assert!(last.is_some(), "the id with a `/` is found");
    let at = text.find("KeyName: x").unwrap() + "KeyName: ".len();
    assert_eq!(last.unwrap().span.start(), at);
}

//! `.ssmlint.yaml` end to end: discovery from the working directory upward, `--config`,
//! `--no-config`, errors with a place and a hint, flags overriding the file, and `init`.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ssmlint_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_ssmlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("ssmlint runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn codes(run: &Run) -> Vec<String> {
    let value: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    value["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect()
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ssmlint-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("parent dir");
    }
    std::fs::write(path, text).expect("write");
}

/// An instance without a profile (SSM100, error) whose role would also be reached over
/// SSH from the VPC (SSM201, warning).
const TEMPLATE: &str = "Parameters:
  SshFrom:
    Type: String
    Default: 10.0.0.0/8
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      MetadataOptions: {HttpTokens: required}
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref SshFrom}
";

const RULES: &str = "--select=SSM100,SSM200,SSM201";

#[test]
fn the_nearest_file_is_found_from_the_working_directory_upward() {
    let root = scratch_dir("discover");
    write(&root.join("stacks/app/t.yaml"), TEMPLATE);
    write(
        &root.join(".ssmlint.yaml"),
        "rules:\n  instance-profile-missing: off\n  SSM201: error\n",
    );
    let app = root.join("stacks/app");
    let only = "--select=SSM200,SSM201";
    let run = ssmlint_in(&app, &[only, "--format", "json", "t.yaml"]);
    assert_eq!(codes(&run), ["SSM201"], "{}", run.stderr);
    assert_eq!(run.code, 1, "SSM201 is an error now");
    let run = ssmlint_in(&app, &[only, "--no-config", "t.yaml"]);
    assert_eq!(run.code, 0, "SSM201 is a warning without the file");

    // A nearer file wins; `--config` names one.
    write(&root.join("stacks/.ssmlint.yml"), "fail_on: info\n");
    let run = ssmlint_in(&app, &[only, "--format", "json", "t.yaml"]);
    assert_eq!(run.code, 1, "fail_on: info");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        value["findings"][0]["severity"], "warning",
        "the outer file is not read"
    );
    let severity = |args: &[&str]| {
        let run = ssmlint_in(&root, &[&[only, "--format", "json"], args].concat());
        let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        value["findings"][0]["severity"]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(severity(&["stacks/app/t.yaml"]).as_deref(), Some("error"));
    let named = ["--config", "stacks/.ssmlint.yml", "stacks/app/t.yaml"];
    assert_eq!(severity(&named).as_deref(), Some("warning"));
    let run = ssmlint_in(&root, &["--config", "nope.yaml", "stacks"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nope.yaml: cannot read"),
        "{}",
        run.stderr
    );
    let run = ssmlint_in(&root, &["--config", "x.yaml", "--no-config", "stacks"]);
    assert_eq!(run.code, 2, "--config and --no-config conflict");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn flags_override_the_file() {
    let root = scratch_dir("override");
    write(&root.join("t.yaml"), TEMPLATE);
    write(&root.join("skip/t.yaml"), TEMPLATE);
    write(
        &root.join(".ssmlint.yaml"),
        "fail_on: warning\nrules: {SSM100: warning}\nparameters: {SshFrom: 0.0.0.0/0}\nexclude: [skip/**]\n",
    );
    let run = ssmlint_in(&root, &[RULES, "--format", "json", "."]);
    assert_eq!(
        codes(&run),
        ["SSM100", "SSM200"],
        "parameter from the file; skip/ excluded"
    );
    assert_eq!(run.code, 1);
    let run = ssmlint_in(
        &root,
        &[
            RULES,
            "--format",
            "json",
            "--fail-on",
            "error",
            "--parameter",
            "SshFrom=10.0.0.0/8",
            "--severity",
            "SSM100=info",
            "--exclude",
            "nothing",
            ".",
        ],
    );
    assert_eq!(
        run.code, 0,
        "only warnings and infos with --fail-on error: {}",
        run.stdout
    );
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        value["summary"]["files"], 2,
        "--exclude replaces the file's list"
    );
    assert_eq!(value["findings"][0]["severity"], "info");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn mistakes_in_the_file_are_usage_errors_with_a_place() {
    let root = scratch_dir("errors");
    write(&root.join("t.yaml"), TEMPLATE);
    write(
        &root.join(".ssmlint.yaml"),
        "fail_on: error\nexlude: [x]\nrules:\n  ssh-ingres: off\ntrusted_principals: {a: b}\n",
    );
    let run = ssmlint_in(&root, &["t.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr,
        "error: .ssmlint.yaml:2:1: unknown key `exlude`; did you mean `exclude`?\n\
         error: .ssmlint.yaml:4:3: unknown rule `ssh-ingres`; did you mean `ssh-ingress`?\n\
         error: .ssmlint.yaml:5:21: expected a list of strings, found a mapping\n"
    );
    write(&root.join(".ssmlint.yaml"), "rules: [\n");
    let run = ssmlint_in(&root, &["t.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: .ssmlint.yaml:"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn init_writes_a_starter_file_once() {
    let root = scratch_dir("init");
    let run = ssmlint_in(&root, &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".ssmlint.yaml"), "{}", run.stdout);
    let text = std::fs::read_to_string(root.join(".ssmlint.yaml")).expect("written");
    assert!(text.starts_with("# ssmlint configuration"));
    for key in ssmlint::engine::config::KEYS {
        assert!(
            text.contains(&format!("\n{key}:")),
            "the starter shows `{key}`"
        );
    }
    write(&root.join("t.yaml"), TEMPLATE);
    let run = ssmlint_in(&root, &[RULES, "t.yaml"]);
    assert_eq!(run.code, 1, "the starter file is valid: {}", run.stderr);
    let run = ssmlint_in(&root, &["init"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn skip_unsupported_drops_named_non_templates() {
    let root = scratch_dir("skip");
    write(&root.join("t.yaml"), TEMPLATE);
    write(
        &root.join("compose.yaml"),
        "services: {web: {image: nginx}}\n",
    );
    let run = ssmlint_in(
        &root,
        &["--no-config", "--format", "json", "compose.yaml", "t.yaml"],
    );
    assert_eq!(run.code, 2, "SSM001 by default");
    let run = ssmlint_in(
        &root,
        &[
            "--no-config",
            "--skip-unsupported",
            "--format",
            "json",
            "compose.yaml",
            "t.yaml",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(!codes(&run).contains(&"SSM001".to_string()));
    let _ = std::fs::remove_dir_all(&root);
}

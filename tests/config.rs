//! `.ssmlint.yaml` end to end: the nearest above each linted file, `--config`,
//! `--no-config`, errors with a place and a hint, flags overriding the file, and `init`.

mod common;

use common::{scratch_dir, ssmlint_in, write, Scratch};

/// An instance without a profile (SSM100, error) whose role would also be reached over
/// SSH from the VPC (SSM201, warning).
/// SSH from `SshFrom`, a parameter that defaults to the VPC's range.
fn ssh_from_parameter() -> String {
    format!(
        "Parameters:\n  SshFrom:\n    Type: String\n    Default: 10.0.0.0/8\n{}",
        common::ssh_template("!Ref SshFrom")
    )
}

const RULES: &str = "--select=SSM100,SSM200,SSM201";

/// A scratch directory with `ssh_from_parameter()` at `template` and `config` as `.ssmlint.yaml`.
fn project(name: &str, template: &str, config: &str) -> Scratch {
    let root = scratch_dir(name);
    write(&root.join(template), ssh_from_parameter());
    write(&root.join(".ssmlint.yaml"), config);
    root
}

#[test]
fn the_nearest_file_above_each_linted_file_applies() {
    let root = project(
        "discover",
        "stacks/app/t.yaml",
        "rules:\n  instance-profile-missing: off\n  SSM201: error\n",
    );
    let app = root.join("stacks/app");
    let only = "--select=SSM200,SSM201";
    let run = ssmlint_in(&app, &[only, "--format", "json", "t.yaml"]);
    assert_eq!(run.codes(), ["SSM201"], "{}", run.stderr);
    assert_eq!(run.code, 1, "SSM201 is an error now");
    let run = ssmlint_in(&app, &[only, "--no-config", "t.yaml"]);
    assert_eq!(run.code, 0, "SSM201 is a warning without the file");

    // A nearer file wins; `--config` names one.
    write(&root.join("stacks/.ssmlint.yml"), "fail_on: info\n");
    let run = ssmlint_in(&app, &[only, "--format", "json", "t.yaml"]);
    assert_eq!(run.code, 1, "fail_on: info");
    let value = run.json();
    assert_eq!(
        value["findings"][0]["severity"], "warning",
        "the outer file is not read"
    );
    let severity = |args: &[&str]| {
        let run = ssmlint_in(&root, &[&[only, "--format", "json"], args].concat());
        let value = run.json();
        value["findings"][0]["severity"]
            .as_str()
            .map(str::to_string)
    };
    // From the root too, the file's nearest configuration applies, not the working
    // directory's; `--config` gives every file the one it names.
    assert_eq!(severity(&["stacks/app/t.yaml"]).as_deref(), Some("warning"));
    let named = ["--config", ".ssmlint.yaml", "stacks/app/t.yaml"];
    assert_eq!(severity(&named).as_deref(), Some("error"));
    let run = ssmlint_in(&root, &["--config", "nope.yaml", "stacks"]);
    run.assert_usage_error("nope.yaml: cannot read");
    let run = ssmlint_in(&root, &["--config", "x.yaml", "--no-config", "stacks"]);
    assert_eq!(run.code, 2, "--config and --no-config conflict");
}

#[test]
fn flags_override_the_file() {
    let config = "fail_on: warning\nrules: {SSM100: warning}\n\
                  parameters: {SshFrom: 0.0.0.0/0}\nexclude: [skip/**]\n";
    let root = project("override", "t.yaml", config);
    write(&root.join("skip/t.yaml"), ssh_from_parameter());
    let run = ssmlint_in(&root, &[RULES, "--format", "json", "."]);
    assert_eq!(
        run.codes(),
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
    let value = run.json();
    assert_eq!(
        value["summary"]["files"], 2,
        "--exclude replaces the file's list"
    );
    assert_eq!(value["findings"][0]["severity"], "info");
}

#[test]
fn mistakes_in_the_file_are_usage_errors_with_a_place() {
    let root = project(
        "errors",
        "t.yaml",
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
    run.assert_usage_error("error: .ssmlint.yaml:");
}

#[test]
fn init_writes_a_starter_file_once() {
    let root = scratch_dir("init");
    let run = ssmlint_in(&root, &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    common::assert_contains(&run.stdout, ".ssmlint.yaml");
    let text = std::fs::read_to_string(root.join(".ssmlint.yaml")).expect("written");
    assert!(text.starts_with("# ssmlint configuration"));
    for key in ssmlint::engine::config::KEYS {
        assert!(
            text.contains(&format!("\n{key}:")),
            "the starter shows `{key}`"
        );
    }
    write(&root.join("t.yaml"), ssh_from_parameter());
    let run = ssmlint_in(&root, &[RULES, "t.yaml"]);
    assert_eq!(run.code, 1, "the starter file is valid: {}", run.stderr);
    let run = ssmlint_in(&root, &["init"]);
    run.assert_usage_error("already exists");
}

#[test]
fn skip_unsupported_drops_named_non_templates() {
    let root = scratch_dir("skip");
    write(&root.join("t.yaml"), ssh_from_parameter());
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
    assert!(!run.codes().contains(&"SSM001".to_string()));
}

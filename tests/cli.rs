//! End-to-end tests of the `ssmlint` binary: exit codes and snapshots of what it prints.

mod common;

use common::{manifest_dir, scratch_dir, ssmlint, ssmlint_in, ssmlint_with_stdin, write, Run};
use ssmlint::rules::{find_rule, ALL_RULES};

fn data(name: &str) -> String {
    common::read_text(&format!("tests/data/{name}"))
}

/// Lints `files` with human and with JSON output, checks the exit code of both, and
/// snapshots them as `<name>_human` and `<name>_json`; returns the JSON run.
fn human_and_json(files: &[&str], code: i32, name: &str) -> Run {
    let run = ssmlint(&[&["--color", "never"], files].concat());
    assert_eq!(run.code, code, "{}", run.stdout);
    insta::assert_snapshot!(format!("{name}_human"), run.stdout);
    let run = ssmlint(&[&["--format", "json"], files].concat());
    assert_eq!(run.code, code);
    insta::assert_snapshot!(format!("{name}_json"), run.stdout);
    run
}

#[test]
fn clean_file_exits_0() {
    human_and_json(&["tests/data/clean.yaml"], 0, "clean");
}

#[test]
fn errors_exit_1() {
    human_and_json(&["tests/data/missing-profile.yaml"], 1, "missing_profile");
}

#[test]
fn parse_error_exits_2_and_other_files_are_still_linted() {
    let files = ["tests/data/invalid.yaml", "tests/data/missing-profile.yaml"];
    let run = human_and_json(&files, 2, "parse_error");
    assert_eq!(run.codes(), ["SSM000", "SSM100"]);
}

#[test]
fn fail_on_warning() {
    let file = "tests/data/deprecated-policy.yaml";
    let run = ssmlint(&["--color", "never", file]);
    assert_eq!(
        run.code, 0,
        "a warning alone passes by default:\n{}",
        run.stdout
    );
    insta::assert_snapshot!("deprecated_policy_human", run.stdout);
    let run = ssmlint(&["--color", "never", "--fail-on", "warning", file]);
    assert_eq!(run.code, 1);
    let run = ssmlint(&["--color", "never", "--fail-on", "info", file]);
    assert_eq!(run.code, 1);
}

#[test]
fn select_runs_only_the_named_rules() {
    let file = "tests/data/missing-profile.yaml";
    let run = ssmlint(&["--format", "json", "--select", "SSM105,SSM200", file]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.codes().is_empty());
    let run = ssmlint(&[
        "--format",
        "json",
        "--select",
        "instance-profile-missing",
        file,
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.codes(), ["SSM100"]);
    insta::assert_snapshot!("select_json", run.stdout);
}

#[test]
fn ignore_skips_the_named_rules() {
    let file = "tests/data/missing-profile.yaml";
    let run = ssmlint(&["--color", "never", "--ignore", "ssm100", file]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    insta::assert_snapshot!("ignore_human", run.stdout);
    let run = ssmlint(&["--format", "json", "--severity", "SSM100=off", file]);
    assert_eq!(run.code, 0, "`off` disables the rule:\n{}", run.stdout);
    assert!(run.codes().is_empty());
}

#[test]
fn severity_override() {
    let file = "tests/data/missing-profile.yaml";
    let run = ssmlint(&["--color", "never", "--severity", "SSM100=warning", file]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    common::assert_contains(&run.stdout, "⚠");
    assert!(
        run.stdout.ends_with("1 warning in 1 file\n"),
        "{}",
        run.stdout
    );
    let run = ssmlint(&[
        "--format",
        "json",
        "--severity",
        "instance-profile-missing=warning",
        "--fail-on",
        "warning",
        file,
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["findings"][0]["severity"], "warning");
    insta::assert_snapshot!("severity_override_json", run.stdout);
}

#[test]
fn unknown_rule_codes_are_usage_errors() {
    for args in [
        &["--select", "SSM10", "tests/data/clean.yaml"][..],
        &[
            "--ignore",
            "instance-profile-mising",
            "tests/data/clean.yaml",
        ],
        &["--severity", "SSM10=warning", "tests/data/clean.yaml"],
        &["explain", "SSM10"],
    ] {
        let run = ssmlint(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("did you mean"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = ssmlint(&["--severity", "SSM100=fatal", "tests/data/clean.yaml"]);
    run.assert_usage_error("unknown level");
    let run = ssmlint(&["explain", "no-such-rule-at-all"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("explain_unknown_stderr", run.stderr);
}

#[test]
fn no_paths_is_a_usage_error() {
    let run = ssmlint(&[]);
    run.assert_usage_error("Usage: ssmlint");
    let run = ssmlint(&["--format", "json"]);
    run.assert_usage_error("no paths given");
}

#[test]
fn explain_prints_the_rule_documentation() {
    let meta = find_rule("SSM100").expect("SSM100 exists").meta();
    for query in ["SSM100", "ssm100", "instance-profile-missing"] {
        let run = ssmlint(&["explain", query]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let first = run.stdout.lines().next().unwrap_or_default();
        assert_eq!(first, "SSM100 instance-profile-missing");
        common::assert_contains(&run.stdout, "Default severity: error");
        assert!(run.stdout.contains(meta.summary));
        assert!(run.stdout.contains(meta.documentation().trim_end()));
        let last = run.stdout.lines().last().unwrap_or_default();
        assert_eq!(last, format!("Documentation: {}", meta.url));
    }
}

#[test]
fn version_and_explain_name_the_embedded_aws_data() {
    let data = ssmlint::aws_data::data_version();
    let run = ssmlint(&["--version"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!("ssmlint {}", env!("CARGO_PKG_VERSION")),
            format!("AWS data: {data}")
        ]
    );
    // `-V` stays one line.
    let run = ssmlint(&["-V"]);
    assert_eq!(
        run.stdout.trim_end(),
        format!("ssmlint {}", env!("CARGO_PKG_VERSION"))
    );
    for (code, uses) in [
        ("SSM103", true),
        ("SSM106", true),
        ("SSM307", true),
        ("SSM400", true),
        ("SSM403", true),
        ("SSM100", false),
        ("SSM200", false),
    ] {
        let run = ssmlint(&["explain", code]);
        assert_eq!(
            run.stdout.contains(&format!("Embedded AWS data: {data}\n")),
            uses,
            "{code}: {}",
            run.stdout
        );
    }
}

#[test]
fn rules_lists_every_rule() {
    let run = ssmlint(&["rules"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), ALL_RULES.len() + 1);
    insta::assert_snapshot!("rules_human", run.stdout);
    let run = ssmlint(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0);
    let value = run.json();
    let rules = value.as_array().expect("an array of rules");
    assert_eq!(rules.len(), ALL_RULES.len());
    for (rule, item) in ALL_RULES.iter().zip(rules) {
        let meta = rule.meta();
        assert_eq!(item["code"], meta.code);
        assert_eq!(item["name"], meta.name);
        assert_eq!(item["default_severity"], meta.severity.as_str());
        assert_eq!(item["url"], meta.url);
    }
    insta::assert_snapshot!("rules_json", run.stdout);
}

#[test]
fn stdin_with_a_filename() {
    let text = data("missing-profile.yaml");
    let args = [
        "--color",
        "never",
        "--stdin-filename",
        "stack/app.yaml",
        "-",
    ];
    let run = ssmlint_with_stdin(manifest_dir(), &args, text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stdout);
    common::assert_contains(&run.stdout, "[stack/app.yaml:4:3]");
    insta::assert_snapshot!("stdin_human", run.stdout);
    // Without a name stdin is `<stdin>`; with a name and no paths stdin is read.
    let run = ssmlint_with_stdin(manifest_dir(), &["--format", "json", "-"], text.as_bytes());
    assert_eq!(run.json()["files"][0]["path"], "<stdin>");
    let args = ["--format", "json", "--stdin-filename", "x.yaml"];
    let run = ssmlint_with_stdin(manifest_dir(), &args, text.as_bytes());
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["files"][0]["path"], "x.yaml");
}

#[test]
fn directory_walk_skips_hidden_ignored_and_unsupported_files() {
    let root = scratch_dir("walk");
    let tree = root.join("stacks");
    let clean = data("clean.yaml");
    write(&tree.join("a.yaml"), &clean);
    write(&tree.join("sub/b.yml"), data("missing-profile.yaml"));
    write(&tree.join("sub/c.template"), &clean);
    write(&tree.join("sub/deep/d.json"), r#"{"Resources": {}}"#);
    write(&tree.join("ignored.yaml"), "this: [is not: valid");
    write(&tree.join(".gitignore"), "ignored.yaml\nbuild/\n");
    write(&tree.join("build/out.yaml"), "this: [is not: valid");
    write(&tree.join(".hidden/x.yaml"), "this: [is not: valid");
    write(&tree.join(".hidden.yaml"), "this: [is not: valid");
    write(&tree.join("notes.txt"), "not a template");
    write(&tree.join("package.json"), r#"{"name": "not-a-template"}"#);
    write(
        &tree.join("docker-compose.yml"),
        "services: {web: {image: nginx}}\n",
    );

    let json = |args: &[&str]| ssmlint_in(&root, &[&["--format", "json"], args].concat());
    let run = json(&["stacks"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    insta::assert_snapshot!("walk_json", run.stdout);
    assert_eq!(
        run.paths(),
        [
            "stacks/a.yaml",
            "stacks/sub/b.yml",
            "stacks/sub/c.template",
            "stacks/sub/deep/d.json"
        ]
    );

    // `--exclude` prunes walked directories and drops explicit files; `--include` adds.
    let run = json(&["--exclude", "sub", "--include", "*.txt", "stacks"]);
    assert_eq!(
        run.paths(),
        ["stacks/a.yaml"],
        "notes.txt is walked but unsupported, so skipped"
    );
    let run = json(&["--exclude", "*.yml", "stacks/sub/b.yml", "stacks/a.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["summary"]["files"], 1);

    // Named explicitly, an ignored or unsupported file is linted.
    let run = json(&["stacks/package.json", "stacks/ignored.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.codes(), ["SSM001", "SSM000"]);

    // `.` is walked too, and shown without a `./` prefix.
    let run = ssmlint_in(&tree, &["--format", "json", "."]);
    assert_eq!(run.json()["files"][0]["path"], "a.yaml");
}

#[test]
fn odd_inputs_never_panic() {
    let root = scratch_dir("odd");
    write(&root.join("empty.yaml"), "");
    write(&root.join("latin1.yaml"), b"Description: caf\xe9\n");
    write(&root.join("binary.json"), b"\x00\x01\x02\xff");
    write(&root.join("eof.yaml"), "a: [");
    write(&root.join("bom.yaml"), "\u{feff}Resources: {}\n");
    std::fs::create_dir_all(root.join("dir.yaml")).expect("create dir");
    let files = [
        "empty.yaml",
        "latin1.yaml",
        "binary.json",
        "eof.yaml",
        "bom.yaml",
        "dir.yaml",
        "missing.yaml",
    ];
    let run = ssmlint_in(&root, &[&["--color", "never"], &files[..]].concat());
    assert_eq!(run.code, 2, "{}", run.stdout);
    insta::assert_snapshot!("odd_inputs_human", run.stdout);
    let run = ssmlint_in(&root, &[&["--format", "json"], &files[..]].concat());
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("odd_inputs_json", run.stdout);
}

#[test]
fn color_always_colours_and_never_does_not() {
    let file = "tests/data/missing-profile.yaml";
    let run = ssmlint(&["--color", "always", file]);
    common::assert_contains(&run.stdout, "\u{1b}");
    assert!(!run.stdout.contains("\u{1b}]8;"), "no hyperlink escapes");
    let run = ssmlint(&["--color", "never", file]);
    assert!(!run.stdout.contains('\u{1b}'));
    let run = ssmlint(&[file]);
    assert!(
        !run.stdout.contains('\u{1b}'),
        "auto: a pipe is not a terminal"
    );
}

#[test]
fn a_named_file_that_is_no_template_exits_2_and_others_are_still_linted() {
    let root = scratch_dir("unsupported");
    write(&root.join("empty.yaml"), "");
    write(
        &root.join("compose.yaml"),
        "services:\n  web:\n    image: nginx\n",
    );
    let clean = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/clean.yaml"),
    )
    .expect("clean fixture");
    write(&root.join("clean.yaml"), clean.as_str());
    let run = ssmlint_in(
        &root,
        &[
            "--format",
            "json",
            "empty.yaml",
            "compose.yaml",
            "clean.yaml",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = run.json();
    // clean.yaml only gets the SSM301 info (no preferences document in the template).
    assert_eq!(run.codes(), ["SSM001", "SSM001", "SSM301"]);
    let clean = report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["path"] == "clean.yaml");
    assert_eq!(
        clean.map(|f| &f["kind"]),
        Some(&serde_json::json!("template"))
    );
}

#[test]
fn standalone_policy_files_are_linted_and_their_kind_reported() {
    let root = scratch_dir("policies");
    write(
        &root.join("operators.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}]}"#,
    );
    write(
        &root.join("trust.json"),
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}"#,
    );
    write(
        &root.join("fragment.json"),
        r#"{"Effect": "Allow", "Action": ["ssm:StartSession"], "Resource": ["arn:aws:ec2:us-west-2:123456789012:instance/i-02573cafcfEXAMPLE"]}"#,
    );
    let files = ["fragment.json", "operators.json", "trust.json"];
    let run = ssmlint_in(&root, &[&["--format", "json"], &files[..]].concat());
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    let kind_of = |path: &str| {
        report["files"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["path"] == path)
            .map(|f| (f["kind"].clone(), f["note"].clone()))
    };
    let (kind, note) = kind_of("fragment.json").unwrap_or_default();
    assert_eq!(kind, "identity-policy");
    assert!(note
        .as_str()
        .is_some_and(|n| n.contains("bare policy statement")));
    assert_eq!(
        kind_of("operators.json").map(|k| k.0),
        Some("identity-policy".into())
    );
    assert_eq!(
        kind_of("trust.json").map(|k| k.0),
        Some("resource-policy".into())
    );
    assert_eq!(run.codes(), ["SSM400", "SSM402"]);
    let human = ssmlint_in(&root, &[&["--color", "never"], &files[..]].concat());
    assert!(
        human
            .stdout
            .contains("note: fragment.json: a bare policy statement"),
        "{}",
        human.stdout
    );
}

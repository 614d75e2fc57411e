//! The user's own Guard rules (`--rules PATH`, `guard_rules:`): a rule with an ssmlint
//! header and one without render, suppress and export like built-in rules; a Guard file
//! that does not parse is a usage error with its line and column. The Guard twins of
//! SSM204 and SSM205 in `examples/guard/` find what the native rules find.
#![cfg(feature = "guard")]

mod common;

use common::{scratch_dir, ssmlint, ssmlint_in};

const TEMPLATE: &str = "fixtures/guard/templates/storage.yaml";

#[test]
fn rules_with_and_without_header_render_like_built_in_ones() {
    let run = ssmlint(&[
        "--no-config",
        "--color",
        "never",
        "--rules",
        "fixtures/guard/rules/bucket-versioning.guard",
        "--rules",
        "fixtures/guard/rules/volumes.guard",
        TEMPLATE,
    ]);
    assert_eq!(
        run.code, 1,
        "the header-less rule is an error: {}",
        run.stderr
    );
    insta::assert_snapshot!("user_rules_human", run.stdout);
}

#[test]
fn user_rules_are_suppressed_and_exported_with_their_codes() {
    let run = ssmlint(&[
        "--no-config",
        "--format",
        "json",
        "--rules",
        "fixtures/guard/rules",
        TEMPLATE,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = run.json();
    let found: Vec<(String, String, String, u64)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["resource"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("ACME001", "warning", "Logs", 15),
        ("GUARD:ebs_volumes_encrypted", "error", "DataVolume", 32),
    ]
    .map(|(c, s, r, l)| (c.to_string(), s.to_string(), r.to_string(), l));
    assert_eq!(found, expected);
    let suppressed: Vec<(&str, &str)> = json["suppressions"]
        .as_array()
        .expect("suppressions")
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap_or_default(),
                s["suppressed_by"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            ("ACME001", "resource-metadata"),
            ("GUARD:ebs_volumes_encrypted", "comment")
        ]
    );
    // Without the rule files, the suppressions name unknown rules (SSM002).
    let run = ssmlint(&["--no-config", "--format", "json", TEMPLATE]);
    let json: serde_json::Value = run.json();
    let unknown = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "SSM002")
        .count();
    assert_eq!(unknown, 2, "{}", run.stdout);
}

#[test]
fn user_rules_are_selected_and_levelled_by_code_or_name() {
    let codes = |args: &[&str]| -> Vec<(String, String)> {
        let mut all = vec![
            "--no-config",
            "--format",
            "json",
            "--rules",
            "fixtures/guard/rules",
        ];
        all.extend_from_slice(args);
        all.push(TEMPLATE);
        let run = ssmlint(&all);
        run.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                (text("code"), text("severity"))
            })
            .collect()
    };
    let pair = |c: &str, s: &str| (c.to_string(), s.to_string());
    assert_eq!(
        codes(&["--select", "acme001"]),
        [pair("ACME001", "warning")]
    );
    assert_eq!(
        codes(&[
            "--ignore",
            "bucket-versioning",
            "--severity",
            "GUARD:ebs_volumes_encrypted=info"
        ]),
        [pair("GUARD:ebs_volumes_encrypted", "info")]
    );
    assert_eq!(
        codes(&["--severity", "ebs_volumes_encrypted=off"]),
        [pair("ACME001", "warning")]
    );
    let run = ssmlint(&[
        "--no-config",
        "--rules",
        "fixtures/guard/rules",
        "--select",
        "ACME01",
        TEMPLATE,
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: unknown rule `ACME01`; did you mean `ACME001`?\n"
    );
}

#[test]
fn the_readme_example_is_what_ssmlint_prints() {
    let readme = common::read_text("README.md");
    let command = "$ ssmlint --rules fixtures/guard/rules --select ACME001 fixtures/guard/templates/storage.yaml\n";
    let start = readme.find(command).expect("the README shows the example") + command.len();
    let shown = &readme[start..start + readme[start..].find("\n```").expect("block end")];
    let run = ssmlint(&[
        "--no-config",
        "--rules",
        "fixtures/guard/rules",
        "--select",
        "ACME001",
        TEMPLATE,
    ]);
    assert_eq!(run.stdout.trim_end(), shown, "update the README example");
}

#[test]
fn a_broken_guard_file_is_a_usage_error_with_its_place() {
    let run = ssmlint(&["--no-config", "--rules", "fixtures/guard/broken", TEMPLATE]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "nothing is linted: {}", run.stdout);
    insta::assert_snapshot!("broken_rules_stderr", run.stderr);
    let run = ssmlint(&[
        "--no-config",
        "--rules",
        "fixtures/guard/nothing-here",
        TEMPLATE,
    ]);
    run.assert_usage_error("cannot read");
}

#[test]
fn header_mistakes_are_usage_errors_with_their_place() {
    let dir = scratch_dir("header");
    std::fs::write(
        dir.join("team.guard"),
        "# ssmlint:\n#   code: SSM100\n#   sevrity: info\nrule a {\n    Resources exists\n}\n",
    )
    .expect("write");
    let run = ssmlint_in(&dir, &["--no-config", "--rules", "team.guard", "x.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: team.guard:3:5: unknown key `sevrity` in the `# ssmlint:` header; did you mean `severity`?\n"
    );
}

#[test]
fn the_configuration_names_rule_files_relative_to_itself() {
    let dir = scratch_dir("config");
    let manifest = common::manifest_dir();
    std::fs::create_dir_all(dir.join("policies")).expect("mkdir");
    std::fs::create_dir_all(dir.join("stacks")).expect("mkdir");
    std::fs::copy(
        manifest.join("fixtures/guard/rules/volumes.guard"),
        dir.join("policies/volumes.guard"),
    )
    .expect("copy");
    std::fs::copy(manifest.join(TEMPLATE), dir.join("stacks/storage.yaml")).expect("copy");
    std::fs::write(dir.join(".ssmlint.yaml"), "guard_rules: [policies]\n").expect("write");
    let run = ssmlint_in(&dir.join("stacks"), &["--format", "json", "storage.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    common::assert_contains(&run.stdout, "\"GUARD:ebs_volumes_encrypted\"");
}

/// Fixtures of SSM204/SSM205 that rest on more than the resolved resource.
const BEYOND_GUARD: &[&str] = &["key-pair-typed-parameter"];

/// `examples/guard/*.guard` are the Guard DSL twins of SSM204 and SSM205: on every fixture
/// of those rules they report the same places as the native rule.
#[test]
fn the_example_guard_rules_agree_with_the_native_rules() {
    use ssmlint::engine::{lint_bytes, LintOptions};
    use ssmlint::guard::GuardSet;
    let root = common::manifest_dir();
    for (native, example, file) in [
        ("SSM204", "EX204", "examples/guard/ssh-key-pair.guard"),
        ("SSM205", "EX205", "examples/guard/imdsv1-enabled.guard"),
    ] {
        let guard = GuardSet::load(&[root.join(file)]).expect("the example parses");
        let options = LintOptions {
            guard,
            ..LintOptions::default()
        };
        let mut checked = 0;
        for fixture in common::rule_fixtures() {
            // What only the template's parameter types prove: the Guard twin sees the
            // resolved resource, where a parameter without a default is left out.
            if fixture.code != native || BEYOND_GUARD.contains(&fixture.key.as_str()) {
                continue;
            }
            let path = fixture.path();
            let report = lint_bytes(&path, &common::read(&path), true, &options);
            // The twins cover the EC2 kinds; the native rules cover every launcher.
            let ec2_kind = |m: &str| {
                ["instance ", "launch template ", "launch configuration "]
                    .iter()
                    .any(|k| m.starts_with(k))
            };
            let places = |code: &str| -> Vec<(usize, usize)> {
                report
                    .findings
                    .iter()
                    .filter(|f| f.code == code && ec2_kind(&f.message))
                    .map(|f| (f.span.start(), f.span.end()))
                    .collect()
            };
            assert_eq!(
                places(native),
                places(example),
                "{path}: {native} and {example} disagree"
            );
            checked += 1;
        }
        assert!(checked > 4, "{native}: too few fixtures");
    }
}

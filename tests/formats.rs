//! Every output format, snapshotted on one template with findings of all three
//! severities, suppressed findings (a resource `Metadata` suppression with a reason and a
//! `# ssmlint: ignore[...]` comment), a stale suppression (SSM002), and a file that does
//! not parse. The run is limited to a fixed set of rules so that new rules do not change
//! these snapshots; the binary runs inside `tests/data/formats`, so paths are relative.
//!
//! The SARIF output is validated with the real `Sarif.Multitool` and the GitHub Action
//! script with a simulated runner in `scripts/check-integrations.sh`.

mod common;

use std::path::PathBuf;

use common::{parse_json, scratch_dir, ssmlint_in, Run};

const RULES: &str = "--select=SSM000,SSM002,SSM100,SSM106,SSM200,SSM201,SSM202";
const FILES: [&str; 2] = ["stack.yaml", "broken.yaml"];

fn data_dir() -> PathBuf {
    common::manifest_dir().join("tests/data/formats")
}

/// `ssmlint --no-config --select=... --format FORMAT stack.yaml broken.yaml`.
fn format(name: &str) -> Run {
    let args = [&["--no-config", RULES, "--format", name][..], &FILES[..]].concat();
    let run = ssmlint_in(&data_dir(), &args);
    assert_eq!(
        run.code, 2,
        "a parse error exits 2:\n{}{}",
        run.stdout, run.stderr
    );
    run
}

/// The SARIF log with the absolute `%SRCROOT%` (the only `file:` URI) replaced, and each
/// rule's documentation (`fullDescription`, `help`; checked above) left out, so that the
/// snapshot shows the structure and changes only when the output does.
fn normalized_sarif(text: &str) -> String {
    let root = &parse_json(text)["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    assert!(
        root.as_str()
            .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/')),
        "{root}"
    );
    let mut out = String::new();
    let mut in_docs = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if trimmed == "\"fullDescription\": {" || trimmed == "\"help\": {" {
            in_docs = true;
        } else if trimmed.starts_with('}') {
            in_docs = false;
        }
        if trimmed.starts_with("\"uri\": \"file://") {
            out.push_str(indent);
            out.push_str("\"uri\": \"file:///SRCROOT/\"");
        } else if in_docs
            && (trimmed.starts_with("\"text\":") || trimmed.starts_with("\"markdown\":"))
        {
            let (key, _) = trimmed.split_once(':').unwrap_or_default();
            let comma = if trimmed.ends_with(',') { "," } else { "" };
            out.push_str(&format!(
                "{indent}{key}: \"[the rule's documentation]\"{comma}"
            ));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[test]
fn human() {
    let run = format("human");
    assert!(
        run.stdout
            .ends_with("2 errors, 1 warning, 2 infos in 2 files (2 suppressed)\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("SSM200 ssh-open-to-internet") && !run.stdout.contains("10.8.0.0/16;"),
        "suppressed findings are hidden"
    );
    insta::assert_snapshot!("human", run.stdout);
}

#[test]
fn json() {
    let run = format("json");
    let value = parse_json(&run.stdout);
    assert_eq!(value["version"], 1);
    assert_eq!(value["summary"]["suppressed"], 2);
    let suppressions = value["suppressions"].as_array().expect("suppressions");
    assert_eq!(suppressions.len(), 2);
    assert_eq!(suppressions[0]["code"], "SSM200");
    assert_eq!(suppressions[0]["suppressed_by"], "resource-metadata");
    assert_eq!(suppressions[1]["suppressed_by"], "comment");
    insta::assert_snapshot!("json", run.stdout);
}

#[test]
fn sarif() {
    let run = format("sarif");
    let log = parse_json(&run.stdout);
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "ssmlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    let rules = driver["rules"].as_array().expect("rules");
    // The 7 selected, and SSM001, which every run reports (like SSM000).
    assert_eq!(rules.len(), 8, "one descriptor per rule that runs");
    for rule in rules {
        let code = rule["id"].as_str().expect("id");
        let meta = ssmlint::rules::find_rule(code)
            .expect("a known rule")
            .meta();
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert_eq!(rule["helpUri"], meta.url);
        assert!(rule["help"]["markdown"]
            .as_str()
            .is_some_and(|m| m.contains(meta.documentation().trim())));
        assert!(rule["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        let level = ssmlint::report::sarif::level(meta.severity);
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        // Code scanning ranks alerts by these (CVSS-like: an error is at least 7.0).
        let properties = &rule["properties"];
        assert_eq!(properties["tags"][0], "security", "{code}");
        let score: f64 = properties["security-severity"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("security-severity");
        assert_eq!(
            score >= 7.0,
            level == "error",
            "{code}: {score} for a default {level}"
        );
    }
    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), 7, "5 findings and 2 suppressed");
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                location["region"][key].as_u64().is_some(),
                "{key}: {result}"
            );
        }
        assert!(result["partialFingerprints"]["ssmlintFingerprint/v1"].is_string());
    }
    let suppressed: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2);
    assert_eq!(suppressed[0]["ruleId"], "SSM200");
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "the vendor's support window, 100% temporary: ticket OPS-42"
    );
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    for level in ["error", "warning", "note"] {
        assert!(levels.contains(&level), "{levels:?}");
    }
    insta::assert_snapshot!("sarif", normalized_sarif(&run.stdout));
}

#[test]
fn github() {
    let run = format("github");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "one command per unsuppressed finding");
    assert!(lines[0].starts_with(
        "::error file=stack.yaml,line=4,col=3,endLine=4,endColumn=12,title=SSM100 instance-profile-missing::"
    ));
    for (line, command) in lines
        .iter()
        .zip(["error", "notice", "notice", "warning", "error"])
    {
        assert!(line.starts_with(&format!("::{command} ")), "{line}");
    }
    insta::assert_snapshot!("github", run.stdout);
}

#[test]
fn summary() {
    let base = "https://github.com/acme/stacks/blob/0123abcd";
    let args = [
        &[
            "--no-config",
            RULES,
            "--format",
            "summary",
            "--link-base",
            base,
        ][..],
        &FILES[..],
    ]
    .concat();
    let run = ssmlint_in(&data_dir(), &args);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.starts_with(
        "## ssmlint\n\n❌ **2 errors, 1 warning, 2 infos in 2 files (2 suppressed)**"
    ));
    // Errors first, each linked to its line.
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("### Findings\n") && *l != "### Findings")
        .filter(|l| l.starts_with("| ") && !l.starts_with("| |"))
        .collect();
    assert_eq!(rows.len(), 5, "{}", run.stdout);
    assert!(
        rows[0].contains(&format!("[`broken.yaml:5`]({base}/broken.yaml#L5)")),
        "{}",
        rows[0]
    );
    assert!(rows[1].contains("SSM100"), "{}", rows[1]);
    assert!(rows[2].starts_with("| ⚠️ |"), "{}", rows[2]);
    insta::assert_snapshot!("summary", run.stdout);

    // Without a link base, places are not links; on GitHub Actions the link base comes
    // from the runner's variables.
    let run = format("summary");
    assert!(
        !run.stdout.contains("](https://github.com/"),
        "{}",
        run.stdout
    );
    common::assert_contains(&run.stdout, "| `stack.yaml` | 1 | 1 | 2 |");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ssmlint"))
        .args(["--no-config", RULES, "--format", "summary", "stack.yaml"])
        .current_dir(data_dir())
        .env("GITHUB_SERVER_URL", "https://github.example.com/")
        .env("GITHUB_REPOSITORY", "acme/stacks")
        .env("GITHUB_SHA", "fedcba")
        .output()
        .expect("ssmlint runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("(https://github.example.com/acme/stacks/blob/fedcba/stack.yaml#L4)"),
        "{stdout}"
    );
}

#[test]
fn junit() {
    let run = format("junit");
    assert!(run.stdout.starts_with("<?xml"));
    assert_eq!(
        run.stdout.matches("<testcase ").count(),
        6 + 1,
        "file × rule"
    );
    assert!(run
        .stdout
        .contains("<testsuites name=\"ssmlint\" tests=\"7\" failures=\"1\" errors=\"1\">"));
    insta::assert_snapshot!("junit", run.stdout);
}

#[test]
fn fingerprints_survive_line_moves() {
    let dir = scratch_dir("moves");
    let text = std::fs::read_to_string(data_dir().join("stack.yaml")).expect("stack.yaml");
    std::fs::write(dir.join("a.yaml"), &text).expect("write");
    std::fs::write(dir.join("b.yaml"), format!("# one\n# two\n# three\n{text}")).expect("write");
    let fingerprints = |file: &str| -> Vec<(String, u64)> {
        let run = ssmlint_in(&dir, &["--no-config", RULES, "--format", "sarif", file]);
        let log = parse_json(&run.stdout);
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["ssmlintFingerprint/v1"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap_or_default(),
                )
            })
            .collect()
    };
    let (a, b) = (fingerprints("a.yaml"), fingerprints("b.yaml"));
    assert_eq!(a.len(), 6, "4 findings and 2 suppressed");
    for ((fa, la), (fb, lb)) in a.iter().zip(&b) {
        assert_eq!(fa, fb);
        assert_eq!(la + 3, *lb);
    }
    let unique: std::collections::HashSet<&String> = a.iter().map(|(f, _)| f).collect();
    assert_eq!(unique.len(), a.len(), "fingerprints are distinct");
}

#[test]
fn formats_go_to_files_and_at_most_one_to_stdout() {
    let dir = scratch_dir("files");
    std::fs::copy(data_dir().join("stack.yaml"), dir.join("stack.yaml")).expect("copy");
    let run = ssmlint_in(
        &dir,
        &[
            "--no-config",
            RULES,
            "--format",
            "github",
            "--format",
            "sarif=out.sarif",
            "--format=junit=junit.xml",
            "--format",
            "json=report.json",
            "stack.yaml",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("::error file=stack.yaml,"),
        "{}",
        run.stdout
    );
    let sarif = std::fs::read_to_string(dir.join("out.sarif")).expect("out.sarif");
    assert_eq!(parse_json(&sarif)["version"], "2.1.0");
    assert!(std::fs::read_to_string(dir.join("junit.xml"))
        .expect("junit.xml")
        .contains("<testsuites"));
    let json = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    assert_eq!(parse_json(&json)["summary"]["errors"], 1);

    // Only files: nothing on stdout.
    let run = ssmlint_in(
        &dir,
        &["--no-config", "--format", "sarif=x.sarif", "stack.yaml"],
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let run = ssmlint_in(
        &dir,
        &["--format", "github", "--format", "sarif", "stack.yaml"],
    );
    run.assert_usage_error("at most one --format");

    // The report's directory is created, as ruff and cfn-lint do.
    let run = ssmlint_in(
        &dir,
        &[
            "--no-config",
            "--format",
            "sarif=new/dir/x.sarif",
            "stack.yaml",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif = std::fs::read_to_string(dir.join("new/dir/x.sarif")).expect("new/dir/x.sarif");
    assert_eq!(common::parse_json(&sarif)["version"], "2.1.0");
    // A directory that cannot be made (a file is in the way) is an error.
    let run = ssmlint_in(
        &dir,
        &["--format", "sarif=stack.yaml/x.sarif", "stack.yaml"],
    );
    run.assert_usage_error("cannot write stack.yaml/x.sarif");

    let run = ssmlint_in(&dir, &["--format", "sarif=", "stack.yaml"]);
    assert_eq!(run.code, 2);
    let run = ssmlint_in(&dir, &["--format", "junt", "stack.yaml"]);
    run.assert_usage_error("did you mean `junit`");
}

#[test]
fn github_properties_and_messages_are_escaped() {
    let dir = scratch_dir("escape");
    let text = "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n";
    std::fs::write(dir.join("a,b:c%.yaml"), text).expect("write");
    let run = ssmlint_in(
        &dir,
        &[
            "--no-config",
            "--select",
            "SSM100",
            "--format",
            "github",
            "a,b:c%.yaml",
        ],
    );
    assert!(
        run.stdout
            .starts_with("::error file=a%2Cb%3Ac%25.yaml,line=2,col=3,"),
        "{}",
        run.stdout
    );
    let message = run
        .stdout
        .split_once("::")
        .and_then(|(_, rest)| rest.split_once("::"));
    let message = message
        .map(|(_, m)| m.trim_end_matches('\n'))
        .unwrap_or_default();
    assert!(
        !message.contains('\n') && message.contains("%0A"),
        "{message}"
    );
}

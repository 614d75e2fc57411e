//! Runs ssmlint over the public corpus in `$SSMLINT_CORPUS` (`../shared/corpus` in CI):
//! no panic, no parse error on a file CloudFormation accepts, and the reviewer's verdicts
//! in MANIFEST.tsv matched — or each disagreement listed, with its reason, in
//! `tests/corpus/disagreements.tsv` — and the findings pinned in
//! `tests/corpus/expected-findings.tsv` found. Built without `SSMLINT_CORPUS`, the tests are
//! ignored, and `cargo test` says so with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ssmlint::engine::{lint_bytes, FileKind, FileReport, LintOptions};

mod common;

const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template", "cfn"];

/// The corpus directory. Without `SSMLINT_CORPUS` at build time the tests here are
/// `#[ignore]`d (see `build.rs`), so `cargo test` lists them as ignored with the reason.
fn corpus_dir() -> PathBuf {
    std::env::var_os("SSMLINT_CORPUS")
        .map(PathBuf::from)
        .expect("SSMLINT_CORPUS names the corpus directory")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(path);
        }
    }
}

fn lint_all(root: &Path) -> BTreeMap<String, FileReport> {
    let mut files = Vec::new();
    walk(root, &mut files);
    let options = LintOptions::default();
    files
        .into_iter()
        .map(|path| {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&path).unwrap_or_default();
            let report = lint_bytes(&rel, &bytes, false, &options);
            (rel, report)
        })
        .collect()
}

/// `path<TAB>...` lines of a committed list, comments and blank lines skipped.
fn read_list(name: &str) -> Vec<Vec<String>> {
    common::read_text(&format!("tests/corpus/{name}"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn codes(report: &FileReport) -> BTreeSet<&'static str> {
    report.findings.iter().map(|f| f.code).collect()
}

#[test]
#[cfg_attr(ssmlint_no_corpus, ignore = "set SSMLINT_CORPUS to run")]
fn corpus_parses_like_cloudformation() {
    let root = corpus_dir();
    let reports = lint_all(&root);
    assert!(
        reports.len() > 2000,
        "corpus looks incomplete: {} files",
        reports.len()
    );
    let expected: BTreeSet<String> = read_list("expected-parse-errors.tsv")
        .into_iter()
        .filter_map(|row| row.first().cloned())
        .collect();
    let actual: BTreeSet<String> = reports
        .iter()
        .filter(|(_, r)| r.kind == FileKind::Error)
        .map(|(p, _)| p.clone())
        .collect();
    let unexpected: Vec<_> = actual.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&actual).collect();
    for path in &unexpected {
        let f = reports[*path].findings.first();
        eprintln!("unexpected SSM000 in {path}: {:?}", f.map(|f| &f.message));
    }
    assert!(
        unexpected.is_empty(),
        "files CloudFormation accepts failed to parse: {unexpected:?}"
    );
    assert!(
        missing.is_empty(),
        "files listed as broken now parse: {missing:?}"
    );
    // Every parse error has a location inside the file and a message.
    for path in &actual {
        let report = &reports[path];
        let finding = report.findings.first();
        assert!(
            finding.is_some_and(|f| f.code == "SSM000" && !f.message.is_empty()),
            "{path}"
        );
        assert!(
            finding.is_some_and(|f| f.span.start() <= report.source.text.len()),
            "{path}"
        );
    }
}

/// What a verdict column expects of the findings.
fn verdict_holds(column: &str, verdict: &str, found: &BTreeSet<&str>) -> bool {
    let verdict = verdict.trim_matches('"');
    let any = |cs: &[&str]| cs.iter().any(|c| found.contains(c));
    match column {
        "linkage" => {
            let chain_error = any(&["SSM100", "SSM101", "SSM102"]);
            if verdict.starts_with("fail") {
                chain_error
            } else {
                // pass, n.a. and unknown: no chain error (unknown may bring SSM106 info).
                !chain_error
            }
        }
        "port22" => {
            if verdict.starts_with("fail(")
                && (verdict.contains("world") || verdict.contains("param"))
            {
                found.contains("SSM200")
            } else if verdict.starts_with("fail(") {
                found.contains("SSM201") && !found.contains("SSM200")
            } else if verdict == "unknown" {
                !found.contains("SSM200")
            } else {
                !any(&["SSM200", "SSM201"])
            }
        }
        "ssm_core" => {
            // Anything that leaves the instance without the core permissions: no profile,
            // a broken link, a role that lacks them, or the deprecated policy.
            let lacks = any(&["SSM100", "SSM101", "SSM102", "SSM103", "SSM105"]);
            if verdict.starts_with("fail") {
                lacks
            } else {
                !found.contains("SSM103")
            }
        }
        "trust" => verdict.starts_with("fail") == found.contains("SSM104"),
        // `startsession=UNSCOPED` in the `extra` column of iam-policies/.
        "startsession" => (verdict == "UNSCOPED") == found.contains("SSM400"),
        // Session logging off in a preferences document (template or standalone) is
        // SSM300; `pass` and `unknown` (a `{{s3BucketName}}` parameter, a parameter
        // without default) must not raise it.
        "logging" => verdict.starts_with("fail") == found.contains("SSM300"),
        // `prefs_modify=ALLOW|DENY|none` in the `extra` column of iam-policies/: a policy
        // that lets its holder change the preferences document is SSM307.
        "prefs_modify" => (verdict == "ALLOW") == found.contains("SSM307"),
        _ => true,
    }
}

#[test]
#[cfg_attr(ssmlint_no_corpus, ignore = "set SSMLINT_CORPUS to run")]
fn manifest_verdicts() {
    let root = corpus_dir();
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap_or_default();
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(path_col), Some(link_col), Some(port_col), Some(core_col), Some(trust_col)) = (
        col("local_path"),
        col("linkage"),
        col("port22"),
        col("ssm_core"),
        col("trust"),
    ) else {
        panic!("MANIFEST.tsv lacks the expected columns: {header:?}");
    };
    let extra_col = col("extra");
    let logging_col = col("logging");
    let disagreements: BTreeMap<(String, String), String> = read_list("disagreements.tsv")
        .into_iter()
        .filter_map(|row| match row.as_slice() {
            [path, column, _verdict, reason, ..] => {
                Some(((path.clone(), column.clone()), reason.clone()))
            }
            _ => None,
        })
        .collect();
    let options = LintOptions::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(path) = cells.get(path_col) else {
            continue;
        };
        // `startsession=...;` inside the extra column of the iam-policies/ files.
        let extra = |key: &str| {
            extra_col
                .and_then(|i| cells.get(i))
                .and_then(|extra| extra.split(';').find_map(|p| p.trim().strip_prefix(key)))
                .map(|v| v.split(['(', ' ']).next().unwrap_or(v))
        };
        let startsession = extra("startsession=");
        let prefs_modify = extra("prefs_modify=");
        let mut verdicts: Vec<(&str, &str)> = [
            ("linkage", link_col),
            ("port22", port_col),
            ("ssm_core", core_col),
            ("trust", trust_col),
        ]
        .into_iter()
        .chain(logging_col.map(|i| ("logging", i)))
        .filter_map(|(column, index)| cells.get(index).map(|v| (column, v.trim_matches('"'))))
        // Bulk rows carry no verdict ("-").
        .filter(|(_, v)| {
            ["pass", "fail", "unknown", "n.a."]
                .iter()
                .any(|k| v.starts_with(k))
        })
        .collect();
        verdicts.extend(startsession.map(|s| ("startsession", s)));
        verdicts.extend(prefs_modify.map(|s| ("prefs_modify", s)));
        if verdicts.is_empty() {
            continue;
        }
        let bytes = std::fs::read(root.join(path)).unwrap_or_default();
        let report = lint_bytes(path, &bytes, true, &options);
        let found = codes(&report);
        for (column, verdict) in verdicts {
            let holds = verdict_holds(column, verdict, &found);
            checked += 1;
            let listed = disagreements.contains_key(&(path.to_string(), column.to_string()));
            match (holds, listed) {
                (true, false) | (false, true) => {}
                (false, false) => {
                    failures.push(format!("{path} {column}={verdict}: found {found:?}"))
                }
                (true, true) => failures.push(format!(
                    "{path} {column}: listed as a disagreement but ssmlint now agrees; remove it"
                )),
            }
        }
    }
    assert!(checked > 50, "only {checked} verdicts checked");
    assert!(
        failures.is_empty(),
        "verdicts not matched:\n{}",
        failures.join("\n")
    );
}

/// `tests/corpus/expected-findings.tsv`: findings pinned on real templates, some under
/// `--parameter` values (a deployment).
#[test]
#[cfg_attr(ssmlint_no_corpus, ignore = "set SSMLINT_CORPUS to run")]
fn pinned_findings_on_real_templates() {
    let root = corpus_dir();
    let mut failures = Vec::new();
    let rows = read_list("expected-findings.tsv");
    assert!(rows.len() >= 10, "only {} pinned findings", rows.len());
    for row in rows {
        let [path, parameters, code, expect, text, ..] = row.as_slice() else {
            panic!("a row of expected-findings.tsv has too few columns: {row:?}");
        };
        let mut options = LintOptions::default();
        for pair in parameters.split(',').filter(|p| *p != "-") {
            let (key, value) = pair.split_once('=').expect("KEY=VALUE");
            options
                .parameters
                .insert(key.to_string(), value.to_string());
        }
        let bytes = std::fs::read(root.join(path)).unwrap_or_default();
        let report = lint_bytes(path, &bytes, true, &options);
        let present = report
            .findings
            .iter()
            .any(|f| f.code == code && f.message.contains(text.as_str()));
        if present != (expect == "present") {
            let messages: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{} {}", f.code, f.message))
                .collect();
            failures.push(format!(
                "{path} [{parameters}] {code} expected {expect}: `{text}`\n  found: {messages:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The help snippets of every corpus finding are valid in their file's language, and in
/// a template refer to nothing it lacks and define no id it has (see `common::help`):
/// real templates reach help paths the fixtures may not.
#[test]
#[cfg_attr(ssmlint_no_corpus, ignore = "set SSMLINT_CORPUS to run")]
fn corpus_help_snippets_are_valid_in_the_file_s_language() {
    let reports = lint_all(&corpus_dir());
    let mut checked = common::help::Checked::default();
    let mut found = Vec::new();
    for report in reports.values() {
        found.extend(common::help::problems(report, &mut checked));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    assert!(
        checked.yaml > 1000 && checked.json > 100,
        "only {} YAML and {} JSON snippets",
        checked.yaml,
        checked.json
    );
    // Not vacuous either: many templates' snippets were checked for dangling references.
    eprintln!("{} corpus files", reports.len());
    checked.assert_references(400, 2000);
}

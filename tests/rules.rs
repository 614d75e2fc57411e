//! The per-rule harness: every file under `fixtures/<CODE>/fail/` must produce the rule's
//! finding and every file under `fixtures/<CODE>/pass/` must not, with only that rule
//! enabled. The rendered output of each fail file is snapshotted as
//! `rules__<CODE>__fail__<stem>.snap`.
//!
//! Every fixture is checked before the test fails, and the failures are listed together.
//! Whether each rule *has* fixtures is checked in `tests/registry.rs`.

use std::path::{Path, PathBuf};

use ssmlint::engine::{lint_bytes, LintOptions};
use ssmlint::report::human::{render_human, HumanOptions};
use ssmlint::rules::ALL_RULES;

fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// `fixtures/SSM100/fail/x.yaml`, with forward slashes, relative to the crate.
fn relative_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The file stem, or the whole file name when another file in the directory has the same
/// stem (`duplicate-key.json` and `duplicate-key.yaml`).
fn snapshot_key(path: &Path) -> String {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(own) = stem(path) else {
        return name;
    };
    let siblings = path.parent().map(fixture_files).unwrap_or_default();
    let shared = siblings
        .iter()
        .filter(|p| stem(p).as_deref() == Some(own.as_str()))
        .count();
    if shared > 1 {
        name
    } else {
        own
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "snapshot assertion failed".to_string())
}

#[test]
fn every_rule_on_its_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in ALL_RULES {
        let code = rule.meta().code;
        let options = LintOptions {
            select: Some(vec![code]),
            ..LintOptions::default()
        };
        for outcome in ["fail", "pass"] {
            for path in fixture_files(&root.join("fixtures").join(code).join(outcome)) {
                checked += 1;
                let name = relative_name(root, &path);
                let bytes = match std::fs::read(&path) {
                    Ok(bytes) => bytes,
                    Err(err) => {
                        failures.push(format!("{name}: cannot read: {err}"));
                        continue;
                    }
                };
                let report = lint_bytes(&name, &bytes, true, &options);
                let hits = report.findings.iter().filter(|f| f.code == code).count();
                if outcome == "pass" {
                    if hits > 0 {
                        let rendered = render_human(&[report], &HumanOptions::default());
                        failures.push(format!(
                            "{name}: expected no {code} finding, got {hits}:\n{rendered}"
                        ));
                    }
                    continue;
                }
                if hits == 0 {
                    failures.push(format!("{name}: expected at least one {code} finding"));
                }
                let rendered = render_human(&[report], &HumanOptions::default());
                let snapshot = format!("{code}__fail__{}", snapshot_key(&path));
                let result = std::panic::catch_unwind(|| {
                    insta::with_settings!({
                        description => name.clone(),
                        omit_expression => true,
                        prepend_module_to_snapshot => true,
                    }, {
                        insta::assert_snapshot!(snapshot.clone(), rendered);
                    });
                });
                if let Err(payload) = result {
                    failures.push(format!(
                        "{name}: snapshot {snapshot}: {}",
                        panic_message(&*payload)
                    ));
                }
            }
        }
    }
    assert!(checked > 0, "no fixtures found under fixtures/");
    assert!(
        failures.is_empty(),
        "{} of {checked} fixtures failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

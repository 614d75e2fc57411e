//! The README's example pair, and the real cfn101 Session Manager lab it mirrors: the
//! before state reports SSM100 (and the SSM205 warning: IMDSv1) on the instance and exits
//! 1, the after state exits 0.

use std::path::PathBuf;
use std::process::Command;

fn run(path: &str) -> (i32, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_ssmlint"))
        .args(["--format", "json", path])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run ssmlint: {e}"));
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{path}: output is not JSON: {e}"));
    (output.status.code().unwrap_or(-1), json)
}

fn codes_on(json: &serde_json::Value, resource: &str) -> Vec<String> {
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["resource"] == resource)
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect()
}

/// What the before state reports on its instance: SSM100, and the SSM205 warning when
/// built with Guard support.
fn expected_before() -> Vec<&'static str> {
    if cfg!(feature = "guard") {
        vec!["SSM100", "SSM205"]
    } else {
        vec!["SSM100"]
    }
}

fn errors(json: &serde_json::Value) -> u64 {
    json["summary"]["errors"].as_u64().unwrap_or(u64::MAX)
}

#[test]
fn example_before_reports_missing_profile_and_exits_1() {
    let (code, json) = run("fixtures/examples/session-manager-before.yaml");
    assert_eq!(code, 1);
    // SSM205 (a Guard rule): the lab's instance does not require IMDSv2 either.
    assert_eq!(codes_on(&json, "WebServer"), expected_before());
}

#[test]
fn example_after_is_clean_and_exits_0() {
    let (code, json) = run("fixtures/examples/session-manager-after.yaml");
    assert_eq!(code, 0);
    assert_eq!(errors(&json), 0);
    assert_eq!(json["summary"]["warnings"], 0);
}

#[test]
fn real_cfn101_lab_gives_the_same_result() {
    let Some(corpus) = std::env::var_os("SSMLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("notice: SSMLINT_CORPUS is not set; skipping the cfn101 lab check");
        return;
    };
    let seed = corpus.join("seed");
    let before = seed.join("cfn101-session-manager-workspace.yaml");
    let after = seed.join("cfn101-session-manager-solution.yaml");
    let (code, json) = run(&before.to_string_lossy());
    assert_eq!(code, 1);
    assert_eq!(codes_on(&json, "WebServerInstance"), expected_before());
    let (code, json) = run(&after.to_string_lossy());
    assert_eq!(code, 0);
    assert_eq!(errors(&json), 0);
}

//! The README's example pair, and the real cfn101 Session Manager lab it mirrors: the
//! before state reports SSM100 (and the SSM205 warning: IMDSv1) on the instance and exits
//! 1, the after state exits 0 (with the SSM301 info: no session logging preferences).

mod common;

/// `ssmlint --format json PATH`: the exit code and the report.
fn run(path: &str) -> (i32, serde_json::Value) {
    let run = common::ssmlint(&["--format", "json", path]);
    (run.code, run.json())
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

/// What the before state reports on its instance: SSM100, and the SSM205 warning
/// (IMDSv1).
const EXPECTED_BEFORE: [&str; 2] = ["SSM100", "SSM205"];

fn errors(json: &serde_json::Value) -> u64 {
    json["summary"]["errors"].as_u64().unwrap_or(u64::MAX)
}

#[test]
fn example_before_reports_missing_profile_and_exits_1() {
    let (code, json) = run("fixtures/examples/session-manager-before.yaml");
    assert_eq!(code, 1);
    assert_eq!(codes_on(&json, "WebServer"), EXPECTED_BEFORE);
}

/// The after state passes with one info, SSM301 (like the lab, it leaves the session
/// logging preferences out of the template), as the README says (issue 17, item 3).
#[test]
fn example_after_passes_with_the_ssm301_info_and_exits_0() {
    let (code, json) = run("fixtures/examples/session-manager-after.yaml");
    assert_eq!(code, 0);
    assert_eq!(errors(&json), 0);
    assert_eq!(json["summary"]["warnings"], 0);
    assert_eq!(codes_on(&json, "WebServer"), ["SSM301"]);
    assert_eq!(json["summary"]["infos"], 1);
}

#[test]
#[cfg_attr(ssmlint_no_corpus, ignore = "set SSMLINT_CORPUS to run")]
fn real_cfn101_lab_gives_the_same_result() {
    let corpus = std::env::var_os("SSMLINT_CORPUS").expect("SSMLINT_CORPUS is set");
    let seed = std::path::Path::new(&corpus).join("seed");
    let before = seed.join("cfn101-session-manager-workspace.yaml");
    let after = seed.join("cfn101-session-manager-solution.yaml");
    let (code, json) = run(&before.to_string_lossy());
    assert_eq!(code, 1);
    assert_eq!(codes_on(&json, "WebServerInstance"), EXPECTED_BEFORE);
    let (code, json) = run(&after.to_string_lossy());
    assert_eq!(code, 0);
    assert_eq!(errors(&json), 0);
}

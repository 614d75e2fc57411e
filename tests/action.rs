//! The GitHub Action (`action.yml`), run the way a runner runs a composite action: each
//! step in order, `${{ ... }}` expressions evaluated, the step's `env:` and the runner's
//! variables set (GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_ACTION_PATH, RUNNER_TEMP, ...),
//! `if:` conditions honoured, and outputs collected from `$GITHUB_OUTPUT`.
//!
//! `uses:` steps (actions/cache) are a cache miss, and the install step is given the
//! ssmlint built for these tests through `SSMLINT_BIN`, so no network is needed. The
//! schema of action.yml is checked with check-jsonschema, and the real install (pip from
//! the locally built wheel) with the same variables, in scripts/check-integrations.sh.
//!
//! Pull requests are git repositories made here: a base commit, a change on top, and a
//! `GITHUB_EVENT_PATH` whose `pull_request.base.sha` names the base.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{manifest_dir, scratch_dir, Scratch};
use ssmlint::syntax::Node;

fn action() -> Node {
    let text = common::read_text("action.yml");
    ssmlint::syntax::yaml::parse(&text).expect("action.yml parses")
}

fn scalar(node: &Node) -> String {
    node.as_scalar().map(|s| s.into_owned()).unwrap_or_default()
}

/// What one simulated run of the action produced.
struct ActionRun {
    /// The exit status of the step that failed, or 0.
    code: i32,
    /// The `run` step's stdout (workflow commands).
    stdout: String,
    /// The `run` step's stderr.
    stderr: String,
    /// Outputs of every step, by step id.
    steps: HashMap<String, HashMap<String, String>>,
    /// The action's outputs.
    outputs: HashMap<String, String>,
    /// What the `run` step wrote to `$GITHUB_STEP_SUMMARY`.
    summary: String,
}

struct Runner {
    workspace: PathBuf,
    temp: PathBuf,
    inputs: HashMap<String, String>,
    steps: HashMap<String, HashMap<String, String>>,
    /// The event payload (`GITHUB_EVENT_PATH`), if any.
    event: Option<PathBuf>,
}

impl Runner {
    /// Evaluates the expressions this action uses: `inputs.X`, `steps.ID.outputs.X`,
    /// `github.action_path`, `runner.temp`, `runner.os`.
    fn value(&self, expression: &str) -> String {
        let parts: Vec<&str> = expression.trim().split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self.inputs.get(*name).cloned().unwrap_or_default(),
            ["steps", id, "outputs", name] => self
                .steps
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            ["github", "action_path"] => manifest_dir().to_string_lossy().into_owned(),
            ["runner", "temp"] => self.temp.to_string_lossy().into_owned(),
            ["runner", "os"] => "Linux".to_string(),
            _ => panic!("the simulated runner does not know `{expression}`"),
        }
    }

    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            out.push_str(&self.value(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// `if:` conditions of the forms `A == 'x'` and `A != 'x'`.
    fn condition(&self, expression: &str) -> bool {
        let expression = expression
            .trim()
            .trim_start_matches("${{")
            .trim_end_matches("}}");
        for (op, equal) in [("!=", false), ("==", true)] {
            if let Some((left, right)) = expression.split_once(op) {
                let literal = right.trim().trim_matches('\'');
                return (self.value(left) == literal) == equal;
            }
        }
        panic!("the simulated runner does not know the condition `{expression}`");
    }

    fn run_action(mut self) -> ActionRun {
        let action = action();
        if let Some(inputs) = action.get("inputs").and_then(Node::as_map) {
            for input in inputs {
                let default = input.value.get("default").map(scalar).unwrap_or_default();
                self.inputs.entry(input.key.to_string()).or_insert(default);
            }
        }
        let runs = action.get("runs").expect("runs");
        assert_eq!(runs.get("using").map(scalar).as_deref(), Some("composite"));
        let mut code = 0;
        let mut stdout = String::new();
        let mut summary = String::new();
        let mut run_stderr = String::new();
        for (index, step) in runs
            .get("steps")
            .and_then(Node::as_seq)
            .expect("steps")
            .iter()
            .enumerate()
        {
            let id = step
                .get("id")
                .map_or_else(|| format!("step{index}"), scalar);
            if let Some(condition) = step.get("if") {
                if !self.condition(&scalar(condition)) {
                    continue;
                }
            }
            if let Some(uses) = step.get("uses") {
                assert!(
                    scalar(uses).starts_with("actions/cache@"),
                    "unexpected action {}",
                    scalar(uses)
                );
                let with = step.get("with").expect("cache inputs");
                for key in ["path", "key"] {
                    let value = self.substitute(&with.get(key).map(scalar).unwrap_or_default());
                    assert!(!value.is_empty(), "cache `{key}` is empty");
                }
                self.steps.insert(
                    id,
                    HashMap::from([("cache-hit".to_string(), "false".to_string())]),
                );
                continue;
            }
            let script = step.get("run").map(scalar).expect("a run step");
            assert_eq!(step.get("shell").map(scalar).as_deref(), Some("bash"));
            let output_file = self.temp.join(format!("output-{id}"));
            std::fs::write(&output_file, "").expect("GITHUB_OUTPUT");
            let summary_file = self.temp.join(format!("summary-{id}"));
            std::fs::write(&summary_file, "").expect("GITHUB_STEP_SUMMARY");
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
                .arg(self.substitute(&script))
                .current_dir(&self.workspace)
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_ACTION_PATH", manifest_dir())
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary_file)
                .env("GITHUB_SERVER_URL", "https://github.com")
                .env("GITHUB_REPOSITORY", "acme/stacks")
                .env("GITHUB_SHA", "0123abcd")
                .env("GITHUB_EVENT_NAME", "pull_request")
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64")
                .env("RUNNER_TEMP", &self.temp)
                .env("RUNNER_TOOL_CACHE", self.temp.join("tool-cache"))
                .env("SSMLINT_BIN", env!("CARGO_BIN_EXE_ssmlint"));
            match &self.event {
                Some(event) => command.env("GITHUB_EVENT_PATH", event),
                None => command.env_remove("GITHUB_EVENT_PATH"),
            };
            if let Some(env) = step.get("env").and_then(Node::as_map) {
                for entry in env {
                    command.env(entry.key.as_str(), self.substitute(&scalar(&entry.value)));
                }
            }
            let output = command.output().expect("bash runs");
            let step_stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!stderr.contains("panicked"), "{stderr}");
            let outputs = std::fs::read_to_string(&output_file).expect("outputs");
            let outputs = outputs
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            self.steps.insert(id.clone(), outputs);
            if id == "run" {
                stdout = step_stdout;
                summary = std::fs::read_to_string(&summary_file).expect("summary");
                run_stderr = stderr.to_string();
            }
            if !output.status.success() {
                code = output.status.code().unwrap_or(-1);
                break;
            }
        }
        let outputs = action
            .get("outputs")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|o| {
                let value = o.value.get("value").map(scalar).unwrap_or_default();
                (o.key.to_string(), self.substitute(&value))
            })
            .collect();
        ActionRun {
            code,
            stdout,
            stderr: run_stderr,
            steps: self.steps,
            outputs,
            summary,
        }
    }
}

fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> ActionRun {
    run_action_on(workspace, None, inputs)
}

/// Runs the action with `event` as the event payload (`GITHUB_EVENT_PATH`).
fn run_action_on(workspace: &Path, event: Option<&Path>, inputs: &[(&str, &str)]) -> ActionRun {
    let temp = workspace.with_extension("runner-temp");
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).expect("runner temp");
    Runner {
        workspace: workspace.to_path_buf(),
        temp,
        inputs: inputs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        steps: HashMap::new(),
        event: event.map(Path::to_path_buf),
    }
    .run_action()
}

fn workspace(name: &str) -> Scratch {
    let dir = scratch_dir(name);
    let data = manifest_dir().join("tests/data");
    std::fs::create_dir_all(dir.join("stacks")).expect("stacks");
    std::fs::copy(
        data.join("missing-profile.yaml"),
        dir.join("stacks/bad.yaml"),
    )
    .expect("copy");
    std::fs::copy(data.join("clean.yaml"), dir.join("stacks/good.yaml")).expect("copy");
    dir
}

/// Removes the runner's temporary directory (the workspace removes itself).
fn cleanup(workspace: &Path) {
    let _ = std::fs::remove_dir_all(workspace.with_extension("runner-temp"));
    let _ = std::fs::remove_file(workspace.with_extension("event.json"));
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=ci",
            "-c",
            "user.email=ci@localhost",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A repository whose base commit holds `stacks/old-bad.yaml` (an error),
/// `stacks/old-warn.yaml` (a warning) and `stacks/good.yaml`, and a pull request on top
/// that adds `stacks/new-bad.yaml`, `stacks/new-warn.yaml`, `other/also-bad.yaml` (outside
/// `stacks`), a workflow file and a Markdown file. Returns the workspace and the event
/// payload naming the base.
fn pull_request(name: &str) -> (Scratch, PathBuf) {
    let dir = scratch_dir(name);
    let data = manifest_dir().join("tests/data");
    let copy = |from: &str, to: &str| {
        let to = dir.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(data.join(from), to).expect("copy");
    };
    copy("missing-profile.yaml", "stacks/old-bad.yaml");
    copy("deprecated-policy.yaml", "stacks/old-warn.yaml");
    copy("clean.yaml", "stacks/good.yaml");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    let base = git(&dir, &["rev-parse", "HEAD"]);
    copy("missing-profile.yaml", "stacks/new-bad.yaml");
    copy("deprecated-policy.yaml", "stacks/new-warn.yaml");
    copy("missing-profile.yaml", "other/also-bad.yaml");
    std::fs::create_dir_all(dir.join(".github/workflows")).expect("mkdir");
    std::fs::write(
        dir.join(".github/workflows/ci.yml"),
        "name: ci\non: push\njobs: {}\n",
    )
    .expect("workflow");
    std::fs::write(dir.join("NOTES.md"), "# notes\n").expect("notes");
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "the pull request"]);
    let event = dir.with_extension("event.json");
    std::fs::write(
        &event,
        serde_json::json!({
            "action": "synchronize",
            "pull_request": {"number": 7, "base": {"ref": "main", "sha": base}},
        })
        .to_string(),
    )
    .expect("event");
    (dir, event)
}

/// `(level, file)` of each annotation, in the order printed.
fn annotations(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("::")?;
            let (level, rest) = rest.split_once(" file=")?;
            let (file, _) = rest.split_once(',')?;
            Some((level.to_string(), file.to_string()))
        })
        .collect()
}

#[test]
fn the_action_annotates_and_writes_sarif_and_a_summary() {
    let ws = workspace("annotate");
    let run = run_action(
        &ws,
        &[("paths", "stacks"), ("sarif-file", "reports/ssmlint.sarif")],
    );
    assert_eq!(run.code, 1, "findings fail the step:\n{}", run.stdout);
    common::assert_contains(&run.stdout, "::error file=stacks/bad.yaml,line=4,col=3,endLine=4,endColumn=11,title=SSM100 instance-profile-missing::");
    // The human report is in the log too.
    assert!(run
        .stdout
        .contains("× instance `Instance` has no instance profile"));
    let sarif_path = ws.join("reports/ssmlint.sarif");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).expect("SARIF written"))
            .expect("SARIF is JSON");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SSM100");
    let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "stacks/bad.yaml");
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    assert_eq!(run.outputs["sarif-file"], "reports/ssmlint.sarif");
    assert_eq!(run.outputs["exit-code"], "1");
    assert_eq!(run.outputs["version"], env!("CARGO_PKG_VERSION"));
    let setup = &run.steps["setup"];
    assert_eq!(
        setup["key"],
        format!("ssmlint-Linux-X64-pip-{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(setup["install"], "pip");
    assert!(run.steps.contains_key("install"), "a cache miss installs");

    let summary = &run.summary;
    assert!(summary.starts_with("## ssmlint\n"), "{summary}");
    assert!(
        summary.contains(
            "❌ **1 error, 1 info in 2 files**: findings at or above `error` fail the run."
        ),
        "{summary}"
    );
    assert!(
        summary.contains("| [SSM100](https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html) `instance-profile-missing` | ❌ error | 1 | 1 |"),
        "{summary}"
    );
    assert!(
        summary.contains("| [`stacks/bad.yaml`](https://github.com/acme/stacks/blob/0123abcd/stacks/bad.yaml) | 1 | 0 | 0 |"),
        "{summary}"
    );
    assert!(
        summary.contains("| ❌ | SSM100 `instance-profile-missing` | [`stacks/bad.yaml:4`](https://github.com/acme/stacks/blob/0123abcd/stacks/bad.yaml#L4) | instance `Instance` has no instance profile"),
        "{summary}"
    );
    cleanup(&ws);
}

#[test]
fn inputs_reach_ssmlint() {
    let ws = workspace("inputs");
    std::fs::write(ws.join("ci.yaml"), "rules: {SSM100: warning}\n").expect("config");
    let run = run_action(
        &ws,
        &[
            ("paths", "stacks/good.yaml\nstacks/bad.yaml"),
            ("config", "ci.yaml"),
        ],
    );
    assert_eq!(run.code, 0, "a warning passes by default: {}", run.stdout);
    common::assert_contains(&run.stdout, "::warning file=stacks/bad.yaml,");
    assert!(ws.join("ssmlint.sarif").is_file(), "the default sarif-file");
    let run = run_action(
        &ws,
        &[
            ("paths", "stacks"),
            ("config", "ci.yaml"),
            ("fail-on", "warning"),
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.outputs["exit-code"], "1");
    let run = run_action(&ws, &[("paths", "stacks/missing.yaml")]);
    assert_eq!(run.code, 2, "an unreadable path: {}", run.stdout);

    // `args`: words as a shell splits them, quotes kept together, nothing expanded.
    let run = run_action(
        &ws,
        &[
            ("paths", "stacks"),
            ("args", "--select SSM301 --severity 'SSM301=error'"),
        ],
    );
    assert_eq!(run.code, 1, "SSM301 made an error: {}", run.stdout);
    let levels = annotations(&run.stdout);
    assert!(
        !levels.is_empty() && levels.iter().all(|(level, _)| level == "error"),
        "{levels:?}"
    );
    assert!(
        !run.stdout.contains("SSM100"),
        "only SSM301: {}",
        run.stdout
    );
    let run = run_action(
        &ws,
        &[
            ("paths", "stacks"),
            ("args", "--parameter \"A=$HOME *\" --select '$NOPE'"),
        ],
    );
    assert_eq!(run.code, 2, "an unknown rule: {}", run.stdout);
    assert!(
        run.stderr.contains("unknown rule `$NOPE`"),
        "not expanded: {}",
        run.stderr
    );
    let run = run_action(&ws, &[("paths", "stacks"), ("args", "--select 'SSM100")]);
    assert_eq!(run.code, 2, "an unmatched quote: {}", run.stdout);
    assert!(run
        .stdout
        .contains("::error title=ssmlint::cannot split `args`"));
    let run = run_action(&ws, &[("paths", "stacks"), ("only-changed", "maybe")]);
    assert_eq!(run.code, 2);
    cleanup(&ws);
}

#[test]
fn annotations_put_errors_first_then_the_files_the_pull_request_changed() {
    let (ws, event) = pull_request("order");
    let run = run_action_on(&ws, Some(&event), &[("paths", "stacks other")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let order: Vec<(String, String)> = annotations(&run.stdout)
        .into_iter()
        .filter(|(level, _)| level != "notice")
        .collect();
    // Within a group, ssmlint's own order (by path argument, then path).
    let expected: Vec<(String, String)> = [
        ("error", "stacks/new-bad.yaml"),
        ("error", "other/also-bad.yaml"),
        ("error", "stacks/old-bad.yaml"),
        ("warning", "stacks/new-warn.yaml"),
        ("warning", "stacks/old-warn.yaml"),
    ]
    .iter()
    .map(|(l, f)| ((*l).to_string(), (*f).to_string()))
    .collect();
    assert_eq!(order, expected, "{}", run.stdout);
    // Notices come last, the changed file's first.
    let notices: Vec<String> = annotations(&run.stdout)
        .into_iter()
        .skip(expected.len())
        .map(|(level, file)| format!("{level} {file}"))
        .collect();
    assert_eq!(
        notices,
        [
            "notice stacks/new-warn.yaml",
            "notice stacks/good.yaml",
            "notice stacks/old-warn.yaml"
        ]
    );
    // Without a pull request, ssmlint's own order within a level.
    let run = run_action(&ws, &[("paths", "stacks")]);
    let errors: Vec<String> = annotations(&run.stdout)
        .into_iter()
        .filter(|(level, _)| level == "error")
        .map(|(_, file)| file)
        .collect();
    assert_eq!(errors, ["stacks/new-bad.yaml", "stacks/old-bad.yaml"]);
    cleanup(&ws);
}

#[test]
fn only_changed_lints_the_templates_the_pull_request_changed() {
    let (ws, event) = pull_request("changed");
    let run = run_action_on(
        &ws,
        Some(&event),
        &[("paths", "stacks"), ("only-changed", "true")],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let files: Vec<String> = annotations(&run.stdout)
        .into_iter()
        .map(|(_, file)| file)
        .collect();
    assert!(
        files.contains(&"stacks/new-bad.yaml".to_string()),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|f| f == "stacks/new-bad.yaml" || f == "stacks/new-warn.yaml"),
        "only changed files below `stacks`: {files:?}"
    );
    assert!(
        run.summary.contains("in 2 files"),
        "two templates linted: {}",
        run.summary
    );
    common::assert_contains(&run.summary, "Only the 2 templates changed since `");

    // Every path: the workflow file is no template and is skipped, not an error.
    let run = run_action_on(&ws, Some(&event), &[("only-changed", "true")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    common::assert_contains(&run.summary, "in 3 files");
    common::assert_lacks(&run.stdout, "SSM001");

    // A pull request that changes no template below `paths`: nothing to lint, and still
    // a SARIF file to upload.
    let run = run_action_on(
        &ws,
        Some(&event),
        &[("paths", "docs"), ("only-changed", "true")],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(annotations(&run.stdout).is_empty(), "{}", run.stdout);
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join("ssmlint.sarif")).expect("SARIF written"),
    )
    .expect("SARIF is JSON");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(0)
    );
    common::assert_contains(&run.summary, "nothing was linted");

    // No pull request: every path, with a notice.
    let run = run_action(&ws, &[("paths", "stacks"), ("only-changed", "true")]);
    assert_eq!(run.code, 1);
    common::assert_contains(
        &run.stdout,
        "::notice title=ssmlint::only-changed: no pull request base",
    );
    common::assert_contains(&run.summary, "in 5 files");
    cleanup(&ws);
}

#[test]
fn every_input_is_passed_and_the_cache_key_follows_the_install() {
    let action = action();
    let text = common::read_text("action.yml");
    for input in action.get("inputs").and_then(Node::as_map).expect("inputs") {
        let expression = format!("${{{{ inputs.{} }}}}", input.key);
        assert!(
            text.contains(&expression),
            "input `{}` is never used",
            input.key
        );
    }
    let ws = workspace("key");
    let a = run_action(&ws, &[("paths", "stacks/good.yaml")]);
    let b = run_action(&ws, &[("paths", "stacks/good.yaml"), ("install", "source")]);
    let c = run_action(&ws, &[("paths", "stacks/good.yaml"), ("install", "source")]);
    assert_eq!(a.code, 0);
    assert_eq!(
        a.steps["setup"]["key"],
        format!("ssmlint-Linux-X64-pip-{}", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        b.steps["setup"]["key"].starts_with("ssmlint-Linux-X64-source-src-"),
        "{:?}",
        b.steps["setup"]
    );
    assert_eq!(b.steps["setup"]["key"], c.steps["setup"]["key"], "stable");
    let d = run_action(&ws, &[("install", "cargo")]);
    assert_eq!(d.code, 2, "an unknown install: {}", d.stdout);
    cleanup(&ws);
}

/// Issue 17, item 9: GitHub shows 10 annotations of a level per step; past that the
/// action says so in the log, and every finding is still annotated (in the log) and in
/// the SARIF report.
#[test]
fn more_than_ten_annotations_of_a_level_are_announced() {
    let ws = workspace("eleven");
    let bad = common::read_text("tests/data/missing-profile.yaml");
    for i in 0..11 {
        common::write(&ws.join(format!("many/bad{i:02}.yaml")), &bad);
    }
    let run = run_action(&ws, &[("paths", "many")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let errors = annotations(&run.stdout)
        .into_iter()
        .filter(|(level, _)| level == "error")
        .count();
    assert!(errors >= 11, "{}", run.stdout);
    assert!(
        run.stdout.lines().any(|l| l
            == format!("ssmlint: {errors} error annotations; GitHub shows the first 10 of each level (every finding is in the job summary and the SARIF report)")),
        "{}",
        run.stdout
    );
    cleanup(&ws);
}

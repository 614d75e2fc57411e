//! The GitHub Action (`action.yml`), run the way a runner runs a composite action: each
//! step in order, `${{ ... }}` expressions evaluated, the step's `env:` and the runner's
//! variables set (GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_ACTION_PATH, RUNNER_TEMP, ...),
//! `if:` conditions honoured, and outputs collected from `$GITHUB_OUTPUT`.
//!
//! `uses:` steps (actions/cache) are a cache miss, and the install step is given the
//! ssmlint built for these tests through `SSMLINT_BIN`, so no network is needed. The
//! schema of action.yml is checked with check-jsonschema in scripts/check-integrations.sh.

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
    /// Outputs of every step, by step id.
    steps: HashMap<String, HashMap<String, String>>,
    /// The action's outputs.
    outputs: HashMap<String, String>,
}

struct Runner {
    workspace: PathBuf,
    temp: PathBuf,
    inputs: HashMap<String, String>,
    steps: HashMap<String, HashMap<String, String>>,
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
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64")
                .env("RUNNER_TEMP", &self.temp)
                .env("RUNNER_TOOL_CACHE", self.temp.join("tool-cache"))
                .env("SSMLINT_BIN", env!("CARGO_BIN_EXE_ssmlint"));
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
            steps: self.steps,
            outputs,
        }
    }
}

fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> ActionRun {
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
}

#[test]
fn the_action_annotates_and_writes_sarif() {
    let ws = workspace("annotate");
    let run = run_action(
        &ws,
        &[("paths", "stacks"), ("sarif-file", "reports/ssmlint.sarif")],
    );
    assert_eq!(run.code, 1, "findings fail the step:\n{}", run.stdout);
    assert!(
        run.stdout.contains(
            "::error file=stacks/bad.yaml,line=4,col=3,endLine=4,endColumn=11,title=SSM100 instance-profile-missing::"
        ),
        "{}",
        run.stdout
    );
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
    let setup = &run.steps["setup"];
    assert!(
        setup["key"].starts_with("ssmlint-Linux-X64-src-"),
        "{setup:?}"
    );
    assert!(run.steps.contains_key("install"), "a cache miss installs");
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
    assert!(
        run.stdout.contains("::warning file=stacks/bad.yaml,"),
        "{}",
        run.stdout
    );
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
    cleanup(&ws);
}

#[test]
fn every_input_is_passed_and_the_cache_key_follows_the_version() {
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
    let b = run_action(&ws, &[("paths", "stacks/good.yaml")]);
    let c = run_action(&ws, &[("paths", "stacks/good.yaml"), ("version", "0.1.0")]);
    assert_eq!(a.code, 0);
    assert_eq!(a.steps["setup"]["key"], b.steps["setup"]["key"], "stable");
    assert_eq!(c.steps["setup"]["key"], "ssmlint-Linux-X64-v0.1.0");
    cleanup(&ws);
}

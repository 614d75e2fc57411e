//! Replays the fuzz targets' seeds and saved crashes on the stable toolchain, so that a
//! regression fails `cargo test` without cargo-fuzz or a nightly compiler.
//!
//! Seeds are the files of `fixtures/`, `tests/data/` and `fuzz/seeds/<target>/` (Guard
//! targets: the `.guard` files of the repository; the config target: the starter
//! configuration too). Saved crashes are the files of `fuzz/regressions/<target>/`: a
//! crash found by `scripts/fuzz.sh` goes there, with its fix.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files below `dir` (recursively, sorted), none if it does not exist.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            } else if path.is_dir() {
                todo.push(path);
            } else if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The seeds of a target (see the module documentation).
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let root = root();
    let mut paths = files_below(&root.join("fuzz/seeds").join(target));
    match target {
        "guard" => {
            for dir in ["examples", "fixtures", "rules"] {
                paths.extend(
                    files_below(&root.join(dir))
                        .into_iter()
                        .filter(|p| p.extension().is_some_and(|e| e == "guard")),
                );
            }
        }
        "config" => {}
        _ => {
            paths.extend(files_below(&root.join("fixtures")));
            paths.extend(files_below(&root.join("tests/data")));
        }
    }
    let mut out: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    if target == "config" {
        out.push(ssmlint::engine::config::STARTER.as_bytes().to_vec());
    }
    out
}

fn run(target: &str) {
    let body = targets::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, body)| *body)
        .expect("a target");
    let seeds = seeds(target);
    assert!(!seeds.is_empty(), "no seeds for {target}");
    for data in &seeds {
        body(data);
    }
    let regressions = files_below(&root().join("fuzz/regressions").join(target));
    for path in &regressions {
        let data = std::fs::read(path).expect("a saved crash");
        // Run on a thread of its own with the stack of a worker thread, so that a stack
        // overflow that returns fails here as it would in a run.
        let name = path.display().to_string();
        std::thread::Builder::new()
            .name(name.clone())
            .stack_size(8 * 1024 * 1024)
            .spawn(move || body(&data))
            .expect("a thread")
            .join()
            .unwrap_or_else(|_| panic!("{name} fails again"));
    }
    eprintln!(
        "fuzz target {target}: {} seeds and {} saved crashes replayed",
        seeds.len(),
        regressions.len()
    );
}

#[test]
fn every_target_has_a_body_and_a_regressions_folder() {
    for (name, _) in targets::TARGETS {
        assert!(
            root()
                .join("fuzz/fuzz_targets")
                .join(format!("{name}.rs"))
                .is_file(),
            "fuzz/fuzz_targets/{name}.rs"
        );
        assert!(
            root().join("fuzz/regressions").join(name).is_dir(),
            "fuzz/regressions/{name}/"
        );
    }
}

#[test]
fn replay_parse() {
    run("parse");
}

#[test]
fn replay_lint() {
    run("lint");
}

#[test]
fn replay_suppress() {
    run("suppress");
}

#[test]
fn replay_config() {
    run("config");
}

#[test]
fn replay_guard() {
    run("guard");
}

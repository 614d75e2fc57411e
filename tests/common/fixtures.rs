//! The list of rule fixtures, `fixtures/<CODE>/<fail|pass>/<file>`: shared by `build.rs`,
//! which generates a test for each, and the tests, which check the list is current.

use std::path::Path;

/// One file under `fixtures/<CODE>/fail/` or `fixtures/<CODE>/pass/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub code: String,
    /// `fail` or `pass`.
    pub outcome: &'static str,
    pub file: String,
    /// The file stem, or the whole file name when another file of the directory has the
    /// same stem (`duplicate-key.json` and `duplicate-key.yaml`): what names the test and
    /// the snapshot.
    pub key: String,
}

impl Fixture {
    /// `fixtures/SSM100/fail/x.yaml`, relative to the crate root.
    pub fn path(&self) -> String {
        format!("fixtures/{}/{}/{}", self.code, self.outcome, self.file)
    }
}

/// The entries of `dir` that satisfy `keep`, by name, sorted.
fn names(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| keep(&e.path()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn stem(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map_or_else(|| file.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Every rule fixture below the crate root `root`, by directory, `fail` before `pass`,
/// then by file name.
pub fn rule_fixtures(root: &Path) -> Vec<Fixture> {
    let fixtures = root.join("fixtures");
    let mut out = Vec::new();
    for code in names(&fixtures, Path::is_dir) {
        for outcome in ["fail", "pass"] {
            let files = names(&fixtures.join(&code).join(outcome), Path::is_file);
            for file in &files {
                let shared = files.iter().filter(|f| stem(f) == stem(file)).count() > 1;
                out.push(Fixture {
                    code: code.clone(),
                    outcome,
                    file: file.clone(),
                    key: if shared { file.clone() } else { stem(file) },
                });
            }
        }
    }
    out
}

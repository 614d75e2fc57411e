//! Baselines, for adopting ssmlint on an existing repository: `--write-baseline FILE`
//! records the findings of today, `--baseline FILE` then reports only the others.
//!
//! An entry is a finding's rule, file, resource and fingerprint — the one SARIF gives
//! as `partialFingerprints` (rule, resource and message, not the line: see
//! [`crate::diagnostic::fingerprint`]), so an entry still matches when lines are added
//! above its finding. Files are written relative to the baseline file's directory (with
//! `..` where needed), with `/`, so the baseline works from any working directory. Input errors (SSM000, SSM001)
//! are never recorded: a file that cannot be read is not a finding to accept.
//!
//! The file is JSON, versioned like the report: `{"version": 1, "fingerprint":
//! "ssmlintFingerprint/v1", "entries": [...]}`, one entry per line, sorted, so that its
//! diffs read well.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::paths;
use crate::diagnostic::{fingerprint, Finding};
use crate::engine::FileReport;

/// The version of the baseline file format.
pub const VERSION: u32 = 1;

/// Rules whose findings are never recorded: the file could not be read, or is no
/// template.
const NEVER_RECORDED: &[&str] = &["SSM000", "SSM001"];

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    /// Relative to the baseline file's directory, with `/`.
    pub file: String,
    pub resource: Option<String>,
    pub fingerprint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    fingerprint: String,
    entries: Vec<Entry>,
}

/// The entries of a baseline, and where its file is.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The absolute directory of the baseline file: entries' files are relative to it.
    dir: PathBuf,
    /// Where the working directory is, to place the reports' files.
    cwd: PathBuf,
    pub entries: BTreeSet<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The baseline file, as named on the command line.
    pub path: String,
    /// Its entries.
    pub entries: usize,
    /// Findings not reported because the baseline has them.
    pub matched: usize,
    /// Entries of the files linted that no finding matches any more (fixed, or changed):
    /// the baseline can be shrunk by that many.
    pub gone: usize,
    /// The entries written by `--write-baseline`, when it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<usize>,
    /// Whether the baseline was read (`--baseline`), not only written.
    #[serde(skip)]
    pub read: bool,
}

impl Baseline {
    /// An empty baseline for the file `path` (relative to `cwd` or absolute).
    pub fn empty(path: &Path, cwd: &Path) -> Baseline {
        let file = paths::absolute(cwd, path);
        Baseline {
            dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
            cwd: cwd.to_path_buf(),
            entries: BTreeSet::new(),
        }
    }

    /// Reads a baseline file; the error is one line, naming the file.
    pub fn load(path: &Path, cwd: &Path) -> Result<Baseline, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "{shown}: cannot read the baseline: {}",
                crate::base::io_reason(&e)
            )
        })?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("{shown}: not an ssmlint baseline: {e}"))?;
        if file.version != VERSION {
            return Err(format!(
                "{shown}: baseline version {} is not supported (this ssmlint reads version {VERSION})",
                file.version
            ));
        }
        if file.fingerprint != fingerprint::KEY {
            return Err(format!(
                "{shown}: the baseline's fingerprints are `{}`, this ssmlint makes `{}`: write it again with --write-baseline",
                file.fingerprint,
                fingerprint::KEY
            ));
        }
        let mut baseline = Baseline::empty(path, cwd);
        baseline.entries = file.entries.into_iter().collect();
        Ok(baseline)
    }

    /// A baseline for the file `path` recording every reported finding of `reports`
    /// (not the suppressed ones, nor input errors).
    pub fn record(reports: &[FileReport], path: &Path, cwd: &Path) -> Baseline {
        let mut baseline = Baseline::empty(path, cwd);
        for report in reports {
            let file = baseline.file_key(&report.source.name);
            for (finding, print) in report.findings.iter().zip(fingerprints(report)) {
                if !NEVER_RECORDED.contains(&finding.code) {
                    baseline.entries.insert(entry(finding, &file, print));
                }
            }
        }
        baseline
    }

    /// Removes from `reports` the findings this baseline has, and counts what it did.
    /// `gone` counts only entries of files among `reports` (a file not linted in this
    /// run is not fixed); [`Baseline::without`] drops them.
    pub fn apply(&self, reports: &mut [FileReport], shown: &str) -> (Applied, Vec<Entry>) {
        let mut matched = HashSet::new();
        let mut linted = HashSet::new();
        for report in reports.iter_mut() {
            let file = self.file_key(&report.source.name);
            let prints = fingerprints(report);
            let mut keep = Vec::with_capacity(report.findings.len());
            for (finding, print) in std::mem::take(&mut report.findings).into_iter().zip(prints) {
                let key = entry(&finding, &file, print);
                if !NEVER_RECORDED.contains(&finding.code) && self.entries.contains(&key) {
                    matched.insert(key);
                } else {
                    keep.push(finding);
                }
            }
            report.findings = keep;
            linted.insert(file);
        }
        let gone: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| linted.contains(&e.file) && !matched.contains(*e))
            .cloned()
            .collect();
        let applied = Applied {
            path: shown.to_string(),
            entries: self.entries.len(),
            matched: matched.len(),
            gone: gone.len(),
            written: None,
            read: true,
        };
        (applied, gone)
    }

    /// The same baseline without `gone`.
    #[must_use]
    pub fn without(mut self, gone: &[Entry]) -> Baseline {
        for entry in gone {
            self.entries.remove(entry);
        }
        self
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{{\n  \"version\": {VERSION},\n  \"fingerprint\": \"{}\",\n  \"entries\": [",
            fingerprint::KEY
        );
        for (i, entry) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            // An entry of strings always serializes.
            out.push_str(&serde_json::to_string(entry).unwrap_or_default());
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    /// Writes the file, creating its directory.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let written = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => std::fs::create_dir_all(dir),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(path, self.to_text()));
        written.map_err(|e| {
            format!(
                "cannot write the baseline {}: {}",
                path.display(),
                crate::base::io_reason(&e)
            )
        })
    }

    /// How a file shown as `name` is written in the baseline: relative to the baseline's
    /// directory (going up with `..` where needed); stdin keeps its name.
    fn file_key(&self, name: &str) -> String {
        let path = Path::new(name);
        if name == super::discover::STDIN_NAME {
            return name.to_string();
        }
        let absolute = paths::absolute(&self.cwd, path);
        paths::relative_up(&absolute, &self.dir).unwrap_or_else(|| paths::slash(&absolute))
    }
}

fn entry(finding: &Finding, file: &str, fingerprint: String) -> Entry {
    Entry {
        rule: finding.code.to_string(),
        file: file.to_string(),
        resource: finding.resource.clone(),
        fingerprint,
    }
}

/// The fingerprints of a report's findings, in order, numbered as SARIF numbers them
/// (counting the suppressed findings too).
fn fingerprints(report: &FileReport) -> Vec<String> {
    let all: Vec<&Finding> = report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|s| &s.finding))
        .collect();
    let mut prints = fingerprint::fingerprints(&all);
    prints.truncate(report.findings.len());
    prints
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str =
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n";

    fn lint(name: &str, text: &str) -> FileReport {
        crate::engine::lint_bytes(
            name,
            text.as_bytes(),
            true,
            &crate::engine::LintOptions::default(),
        )
    }

    #[test]
    fn a_round_trip_hides_what_was_recorded_and_counts_what_is_gone() {
        let cwd = Path::new("/repo");
        let reports = [lint("stacks/a.yaml", TEMPLATE)];
        let baseline = Baseline::record(&reports, Path::new("b.json"), cwd);
        assert!(!baseline.entries.is_empty());
        assert!(baseline.entries.iter().all(|e| e.file == "stacks/a.yaml"));
        let read: BaselineFile = serde_json::from_str(&baseline.to_text()).unwrap();
        assert_eq!(read.entries.len(), baseline.entries.len());

        // Lines above do not matter; from another directory the files are the same.
        let moved = format!("Description: x\n\n{TEMPLATE}");
        let mut again = [lint("a.yaml", &moved)];
        let from_stacks = Baseline {
            cwd: PathBuf::from("/repo/stacks"),
            ..baseline.clone()
        };
        let (applied, gone) = from_stacks.apply(&mut again, "../b.json");
        assert!(again[0].findings.is_empty(), "{:?}", again[0].findings);
        assert_eq!((applied.matched, applied.gone), (baseline.entries.len(), 0));
        assert!(gone.is_empty());

        // A fixed file: its entries are gone; another file's are not.
        let mut fixed = [lint("stacks/a.yaml", "Resources: {}\n")];
        let (applied, gone) = baseline.apply(&mut fixed, "b.json");
        assert_eq!(applied.gone, baseline.entries.len());
        assert_eq!(baseline.clone().without(&gone).entries.len(), 0);
        let mut other = [lint("stacks/z.yaml", "Resources: {}\n")];
        assert_eq!(baseline.apply(&mut other, "b.json").0.gone, 0);
    }

    #[test]
    fn input_errors_are_never_recorded() {
        let reports = [lint("x.yaml", "a: [")];
        let baseline = Baseline::record(&reports, Path::new("b.json"), Path::new("/r"));
        assert!(baseline.entries.is_empty());
        assert_eq!(baseline.to_text(), "{\n  \"version\": 1,\n  \"fingerprint\": \"ssmlintFingerprint/v1\",\n  \"entries\": []\n}\n");
    }
}

//! Rendering reports (human, JSON, SARIF, GitHub workflow commands, JUnit XML, a Markdown
//! summary) and turning them into an exit code.

use std::fmt;

use serde::Serialize;

use crate::engine::{FileKind, FileReport};
use crate::rules::Severity;

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;
pub mod summary;

/// No finding at or above the `--fail-on` level.
pub const EXIT_OK: u8 = 0;
/// At least one finding at or above the `--fail-on` level.
pub const EXIT_FINDINGS: u8 = 1;
/// A usage error, or a file that could not be read or parsed.
pub const EXIT_ERROR: u8 = 2;

/// Counts of findings by severity, and of files linted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub files: usize,
    /// Findings hidden by suppressions (not in the counts above).
    pub suppressed: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut summary = Summary {
            files: reports.len(),
            suppressed: reports.iter().map(|r| r.suppressed.len()).sum(),
            ..Summary::default()
        };
        for finding in reports.iter().flat_map(|r| &r.findings) {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// `3 errors, 1 warning, 2 infos in 2 files`, or `No problems found in 2 files`, followed
/// by ` (1 suppressed)` when suppressions hid findings.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts: Vec<String> = [
            (self.errors, "error"),
            (self.warnings, "warning"),
            (self.infos, "info"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| plural(n, word))
        .collect();
        let files = plural(self.files, "file");
        if counts.is_empty() {
            write!(f, "No problems found in {files}")?;
        } else {
            write!(f, "{} in {files}", counts.join(", "))?;
        }
        if self.suppressed > 0 {
            write!(f, " ({} suppressed)", self.suppressed)?;
        }
        Ok(())
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// 2 when a file could not be read or parsed; else 1 when a finding is at least `fail_on`;
/// else 0.
pub fn exit_code(reports: &[FileReport], fail_on: Severity) -> u8 {
    // A file named on the command line that is no template or policy (SSM001) counts as
    // unreadable input, like a parse error; so does a template followed by a second
    // document, whose first document is linted all the same.
    let unusable = |r: &FileReport| {
        r.kind == FileKind::Error
            || r.error.is_some()
            || (r.kind == FileKind::Unsupported && r.findings.iter().any(|f| f.code == "SSM001"))
    };
    if reports.iter().any(unusable) {
        EXIT_ERROR
    } else if reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= fail_on)
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_pluralises() {
        let s = Summary {
            errors: 3,
            warnings: 1,
            infos: 2,
            files: 2,
            suppressed: 0,
        };
        assert_eq!(s.to_string(), "3 errors, 1 warning, 2 infos in 2 files");
        let s = Summary {
            errors: 1,
            files: 1,
            ..Summary::default()
        };
        assert_eq!(s.to_string(), "1 error in 1 file");
        let s = Summary {
            files: 0,
            ..Summary::default()
        };
        assert_eq!(s.to_string(), "No problems found in 0 files");
        let s = Summary {
            warnings: 1,
            files: 1,
            suppressed: 2,
            ..Summary::default()
        };
        assert_eq!(s.to_string(), "1 warning in 1 file (2 suppressed)");
    }
}

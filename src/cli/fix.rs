//! `--fix`, `--unsafe-fixes` and `--diff` on the command line: fix each file (see
//! [`crate::engine::fix`]), write it atomically when it changed, or print the diff.

use std::path::Path;

use super::{CheckArgs, Outcome};
use crate::engine::discover::{Input, InputSource};
use crate::engine::fix::{fix_text, unified_diff, Fixed};
use crate::engine::{FileKind, FileReport, LintOptions};
use crate::report::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// What fixing the run's files did.
#[derive(Debug, Default)]
pub(super) struct FixRun {
    pub fixed: usize,
    /// With `--fix -`: the fixed text of stdin, which goes to stdout.
    pub stdin_text: Option<String>,
    pub stderr: String,
    /// A file could not be written.
    pub failed: bool,
    /// With `--diff`: the diffs, and whether any file would change.
    pub diff: String,
    pub would_change: bool,
}

/// Fixes the files of `reports` (each by its input), replacing each report by the
/// report of the fixed text. With `--diff` nothing is written.
pub(super) fn fix_reports<'o>(
    args: &CheckArgs,
    inputs: &[Input],
    options_of: &dyn Fn(usize) -> &'o LintOptions,
    reports: &mut [FileReport],
) -> FixRun {
    let mut run = FixRun::default();
    for report in reports.iter_mut() {
        if matches!(report.kind, FileKind::Error | FileKind::Unsupported) {
            continue;
        }
        let Some(index) = inputs.iter().position(|i| i.name == report.source.name) else {
            continue;
        };
        let Some(input) = inputs.get(index) else {
            continue;
        };
        let original = report.source.text.to_string();
        let fixed = fix_text(
            &input.name,
            &original,
            input.explicit,
            options_of(index),
            args.unsafe_fixes,
        );
        for bug in &fixed.rolled_back {
            run.stderr.push_str(&format!(
                "error: ssmlint bug: the fix of {} (\"{}\") in `{}` {}; it was rolled back. Please report it at https://github.com/ssmlint/ssmlint/issues\n",
                bug.code, bug.title, input.name, bug.reason
            ));
        }
        let changed = fixed.changed(&original);
        if args.diff {
            if changed {
                run.would_change = true;
                run.diff
                    .push_str(&unified_diff(&input.name, &original, &fixed.text));
            }
            run.fixed += fixed.applied.len();
            continue;
        }
        match &input.source {
            InputSource::Stdin => run.stdin_text = Some(fixed.text.clone()),
            InputSource::File(path) if changed => {
                if let Err(reason) = write_atomically(path, &fixed.text) {
                    run.stderr
                        .push_str(&format!("error: cannot write {}: {reason}\n", input.name));
                    run.failed = true;
                    continue;
                }
            }
            _ => {}
        }
        run.fixed += fixed.applied.len();
        let Fixed { report: after, .. } = fixed;
        *report = after;
    }
    run
}

/// The outcome of `--diff`: the diffs on stdout; exit 1 when a file would change.
pub(super) fn diff_outcome(run: FixRun, quiet: bool) -> Outcome {
    let mut stderr = run.stderr;
    if !quiet {
        stderr.push_str(&format!(
            "{} {} would be fixed\n",
            run.fixed,
            if run.fixed == 1 {
                "finding"
            } else {
                "findings"
            }
        ));
    }
    Outcome {
        stdout: run.diff,
        code: if run.failed {
            EXIT_ERROR
        } else if run.would_change {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        },
        stderr,
    }
}

/// Writes `text` to `path` through a temporary file in the same directory, renamed over
/// it: a reader sees the old file or the new one, never half of one. The permissions
/// of the file are kept.
pub(super) fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let reason = |e: std::io::Error| crate::base::io_reason(&e);
    let metadata = std::fs::metadata(path).map_err(reason)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.ssmlint-fix-{}", std::process::id()));
    let written = std::fs::write(&temp, text)
        .and_then(|()| std::fs::set_permissions(&temp, metadata.permissions()))
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(reason(e));
    }
    Ok(())
}

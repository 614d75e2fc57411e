//! What helps adopt ssmlint on an existing repository, on the command line: the
//! baseline (`--baseline`, `--write-baseline`), `--statistics`, `--exit-zero`, and the
//! notes they print.

use std::path::Path;

use super::{CheckArgs, FormatSpec, Outcome, OutputFormat, Render, Terminal};
use crate::engine::baseline::{Applied, Baseline};
use crate::engine::FileReport;
use crate::report::{concise, human, statistics, Summary, EXIT_FINDINGS, EXIT_OK};

/// Applies `--baseline` and writes `--write-baseline`: removes the findings the
/// baseline has from `reports`. With `--write-baseline` alone the reports are then what
/// a run with the new baseline shows; with both, the baseline read is written without
/// its entries that are gone, and new findings stay reported.
pub(super) fn apply_baseline(
    args: &CheckArgs,
    reports: &mut [FileReport],
    cwd: &Path,
) -> Result<Option<Applied>, String> {
    let shown = |path: &Path| path.to_string_lossy().into_owned();
    match (&args.baseline, &args.write_baseline) {
        (None, None) => Ok(None),
        (Some(read), None) => {
            let baseline = Baseline::load(read, cwd)?;
            Ok(Some(baseline.apply(reports, &shown(read)).0))
        }
        (None, Some(write)) => {
            let baseline = Baseline::record(reports, write, cwd);
            baseline.write(write)?;
            let (mut applied, _) = baseline.apply(reports, &shown(write));
            applied.written = Some(baseline.entries.len());
            applied.read = false;
            Ok(Some(applied))
        }
        (Some(read), Some(write)) => {
            let baseline = Baseline::load(read, cwd)?;
            let (mut applied, gone) = baseline.apply(reports, &shown(read));
            let mut shrunk = baseline.without(&gone);
            if write != read {
                // Written elsewhere, the files are relative to the new place.
                let mut moved = Baseline::empty(write, cwd);
                moved.entries = std::mem::take(&mut shrunk.entries)
                    .into_iter()
                    .map(|mut entry| {
                        entry.file = rebase(&entry.file, read, write, cwd);
                        entry
                    })
                    .collect();
                shrunk = moved;
            }
            shrunk.write(write)?;
            applied.written = Some(shrunk.entries.len());
            Ok(Some(applied))
        }
    }
}

/// A baseline entry's file, relative to the baseline `from`, made relative to `to`.
fn rebase(file: &str, from: &Path, to: &Path, cwd: &Path) -> String {
    use crate::base::paths;
    let dir = |p: &Path| {
        paths::absolute(cwd, p)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    let absolute = paths::absolute(&dir(from), Path::new(file));
    paths::relative_up(&absolute, &dir(to)).unwrap_or_else(|| paths::slash(&absolute))
}

/// `--exit-zero` turns "findings" into success; usage and input errors stay.
pub(super) fn exit_code(code: u8, args: &CheckArgs) -> u8 {
    if args.exit_zero && code == EXIT_FINDINGS {
        EXIT_OK
    } else {
        code
    }
}

/// What the baseline did, in one line.
pub(super) fn baseline_note(applied: &Applied) -> String {
    let path = &applied.path;
    let mut parts = Vec::new();
    if applied.read {
        parts.push(format!(
            "{} known {} not shown",
            applied.matched,
            if applied.matched == 1 {
                "finding"
            } else {
                "findings"
            }
        ));
    }
    if applied.gone > 0 {
        let entries = if applied.gone == 1 {
            "entry is"
        } else {
            "entries are"
        };
        parts.push(match applied.written {
            Some(_) => format!("{} {entries} gone and dropped", applied.gone),
            None => format!(
                "{} {entries} gone (fixed or changed): `--baseline {path} --write-baseline {path}` drops them",
                applied.gone
            ),
        });
    }
    if let Some(written) = applied.written {
        parts.push(format!(
            "wrote {written} {}",
            if written == 1 { "entry" } else { "entries" }
        ));
    }
    format!("baseline {path}: {}", parts.join("; "))
}

/// The human and concise formats with `--statistics` (the table instead of each
/// finding) or a baseline (its note after the summary line).
pub(super) fn render_text(
    render: &Render<'_>,
    format: OutputFormat,
    terminal: Option<&Terminal>,
) -> String {
    let reports = render.reports;
    let mut out = if render.args.statistics {
        statistics::render_table(&statistics::by_rule(reports))
    } else if format == OutputFormat::Concise {
        concise::render_concise_findings(reports, render.color(terminal))
    } else {
        human::render_findings(reports, &render.human_options(terminal))
    };
    if !render.args.quiet {
        if render.args.statistics && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&Summary::of(reports).to_string());
        out.push('\n');
        if let Some(applied) = render.baseline {
            out.push_str(&baseline_note(applied));
            out.push('\n');
        }
    }
    out
}

/// With a machine format on stdout, the statistics table and the baseline note go to
/// stderr, where they do not spoil it.
pub(super) fn notes_to_stderr(
    formats: &[FormatSpec],
    args: &CheckArgs,
    baseline: Option<&Applied>,
    reports: &[FileReport],
    outcome: &mut Outcome,
) {
    let on_stdout = formats.iter().find(|f| f.path.is_none()).map(|f| f.format);
    let text_on_stdout = matches!(on_stdout, Some(OutputFormat::Human | OutputFormat::Concise));
    if text_on_stdout || args.quiet {
        return;
    }
    if args.statistics && on_stdout != Some(OutputFormat::Json) {
        outcome
            .stderr
            .push_str(&statistics::render_table(&statistics::by_rule(reports)));
    }
    if let Some(applied) = baseline {
        outcome.stderr.push_str(&baseline_note(applied));
        outcome.stderr.push('\n');
    }
}

//! A Markdown report for a GitHub job summary (`--format summary=$GITHUB_STEP_SUMMARY`;
//! the GitHub Action writes it): the totals, counts by rule and by file, and the top
//! findings, errors first, each linked to its line.
//!
//! A link is `{link_base}/{path}#L{line}`, where `path` is the file's path relative to
//! `root` (the working directory: the repository root in a workflow) and `link_base` is,
//! on GitHub, `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA`. Without a link
//! base, or for a file outside `root` or stdin, the place is shown without a link. The
//! caller decides the link base (`cli.rs` reads it from `--link-base` or the runner's
//! environment); this module reads no environment.
//!
//! Text from templates (messages, paths, logical ids) is escaped for Markdown tables:
//! outside code spans, punctuation that Markdown or HTML would interpret is
//! backslash-escaped; inside them only `|`, which GitHub's tables would split on.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::Summary;
use crate::engine::discover::STDIN_NAME;
use crate::engine::FileReport;
use crate::rules::{Finding, Severity};

/// How many findings the summary lists by default.
pub const DEFAULT_TOP: usize = 20;
/// How many files the table by file lists at most.
const MAX_FILES: usize = 50;

/// What the summary needs besides the reports.
#[derive(Debug, Clone, Copy)]
pub struct SummaryOptions<'a> {
    /// Where a file's lines can be shown, e.g. `https://github.com/acme/stacks/blob/SHA`.
    pub link_base: Option<&'a str>,
    /// The directory that linked paths are relative to.
    pub root: Option<&'a Path>,
    /// Findings at or above this level fail the run.
    pub fail_on: Severity,
    /// How many findings to list.
    pub top: usize,
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Info => "ℹ️",
    }
}

/// Renders the summary as GitHub-flavoured Markdown.
pub fn render_summary(reports: &[FileReport], options: &SummaryOptions<'_>) -> String {
    let summary = Summary::of(reports);
    let mut out = String::from("## ssmlint\n\n");
    let failing = super::exit_code(reports, options.fail_on);
    let verdict = match failing {
        super::EXIT_OK if summary.errors + summary.warnings + summary.infos == 0 => "✅",
        super::EXIT_OK => "✔️",
        _ => "❌",
    };
    let _ = write!(out, "{verdict} **{summary}**");
    let _ = match failing {
        super::EXIT_OK => writeln!(
            out,
            ": no finding at the fail-on level (`{}`).",
            options.fail_on
        ),
        super::EXIT_FINDINGS => writeln!(
            out,
            ": findings at or above `{}` fail the run.",
            options.fail_on
        ),
        _ => writeln!(out, ": a file could not be read or parsed."),
    };
    let findings: Vec<(&FileReport, &Finding)> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .collect();
    if findings.is_empty() {
        return out;
    }

    // By rule: the most severe first, then the most frequent.
    let mut by_rule: BTreeMap<&str, (Severity, &str, &str, usize, Vec<&str>)> = BTreeMap::new();
    for (report, finding) in &findings {
        let entry = by_rule.entry(finding.code).or_insert((
            finding.severity,
            finding.name,
            finding.url,
            0,
            Vec::new(),
        ));
        entry.0 = entry.0.max(finding.severity);
        entry.3 += 1;
        if !entry.4.contains(&report.source.name.as_str()) {
            entry.4.push(&report.source.name);
        }
    }
    let mut rules: Vec<_> = by_rule.into_iter().collect();
    rules.sort_by(|a, b| (b.1 .0, b.1 .3).cmp(&(a.1 .0, a.1 .3)).then(a.0.cmp(b.0)));
    out.push_str(
        "\n### Findings by rule\n\n| Rule | Severity | Findings | Files |\n|---|---|--:|--:|\n",
    );
    for (code, (severity, name, url, count, files)) in &rules {
        let rule = if url.is_empty() {
            format!("{} `{}`", escape(code), code_span(name))
        } else {
            format!("[{}]({}) `{}`", escape(code), url, code_span(name))
        };
        let _ = writeln!(
            out,
            "| {rule} | {} {severity} | {count} | {} |",
            icon(*severity),
            files.len()
        );
    }

    // By file: the most errors first, then warnings, then infos, then the path.
    let mut files: Vec<(&FileReport, [usize; 3])> = reports
        .iter()
        .filter(|r| !r.findings.is_empty())
        .map(|r| {
            let mut counts = [0; 3];
            for f in &r.findings {
                if let Some(count) = counts.get_mut(severity_rank(f.severity)) {
                    *count += 1;
                }
            }
            (r, counts)
        })
        .collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.source.name.cmp(&b.0.source.name)));
    out.push_str(
        "\n### Findings by file\n\n| File | Errors | Warnings | Infos |\n|---|--:|--:|--:|\n",
    );
    for (report, [errors, warnings, infos]) in files.iter().take(MAX_FILES) {
        let file = place(&report.source.name, None, options);
        let _ = writeln!(out, "| {file} | {errors} | {warnings} | {infos} |");
    }
    if files.len() > MAX_FILES {
        let _ = writeln!(
            out,
            "\n…and {} more files with findings.",
            files.len() - MAX_FILES
        );
    }

    // The top findings: errors first, then by path and line.
    let mut top: Vec<(&FileReport, &Finding, usize)> = findings
        .iter()
        .map(|(r, f)| (*r, *f, r.source.line_col(f.span.start()).line))
        .collect();
    top.sort_by(|a, b| {
        b.1.severity
            .cmp(&a.1.severity)
            .then(a.0.source.name.cmp(&b.0.source.name))
            .then(a.2.cmp(&b.2))
            .then(a.1.code.cmp(b.1.code))
    });
    let shown = top.len().min(options.top);
    if shown == 0 {
        return out;
    }
    let heading = if shown < top.len() {
        format!("Top {shown} findings")
    } else {
        "Findings".to_string()
    };
    let _ = write!(
        out,
        "\n### {heading}\n\n| | Rule | Where | Message |\n|---|---|---|---|\n"
    );
    for (report, finding, line) in top.iter().take(shown) {
        let mut message = escape(&finding.message);
        if let Some(resource) = &finding.resource {
            if !finding.message.contains(&format!("`{resource}`")) {
                let _ = write!(message, " (`{}`)", code_span(resource));
            }
        }
        let _ = writeln!(
            out,
            "| {} | {} `{}` | {} | {message} |",
            icon(finding.severity),
            escape(finding.code),
            code_span(finding.name),
            place(&report.source.name, Some(*line), options),
        );
    }
    if shown < top.len() {
        let _ = writeln!(
            out,
            "\n…and {} more: every finding is in the SARIF report and the annotations.",
            top.len() - shown
        );
    }
    access_paths(reports, &mut out);
    out
}

/// The rule whose finding on a step means "cannot be verified here", not "broken".
const UNVERIFIED: &str = "SSM106";

/// At most this many diagrams in a summary.
const MAX_DIAGRAMS: usize = 10;

/// One Mermaid flowchart per compute resource with a finding on its access path: the
/// launch, its instance profile, role, policies and trust, and its subnets; red where a
/// finding says the path breaks (GitHub renders Mermaid in job summaries).
fn access_paths(reports: &[FileReport], out: &mut String) {
    let paths: Vec<_> = reports
        .iter()
        .flat_map(|r| r.access_paths.iter().map(move |p| (r, p)))
        .take(MAX_DIAGRAMS)
        .collect();
    if paths.is_empty() {
        return;
    }
    out.push_str("\n### Access paths\n");
    for (report, path) in paths {
        let _ = write!(
            out,
            "\n{} in `{}`:\n\n```mermaid\nflowchart LR\n",
            escape(&path.subject),
            code_span(&report.source.name)
        );
        for (i, step) in path.steps.iter().enumerate() {
            let mut label = mermaid_text(&step.label);
            if !step.broken.is_empty() {
                let _ = write!(label, "<br/>{}", step.broken.join(", "));
            }
            let _ = writeln!(out, "  n{i}[\"{label}\"]");
            if let Some(parent) = step.parent {
                let _ = writeln!(out, "  n{parent} --> n{i}");
            }
        }
        // Red where the path breaks; dashed where it only cannot be verified (SSM106).
        let (mut broken, mut unverified) = (Vec::new(), Vec::new());
        for (i, step) in path.steps.iter().enumerate() {
            if step.broken.iter().any(|c| *c != UNVERIFIED) {
                broken.push(format!("n{i}"));
            } else if !step.broken.is_empty() {
                unverified.push(format!("n{i}"));
            }
        }
        if !broken.is_empty() {
            out.push_str("  classDef broken fill:#fdd,stroke:#c00,color:#600\n");
            let _ = writeln!(out, "  class {} broken", broken.join(","));
        }
        if !unverified.is_empty() {
            out.push_str("  classDef unverified stroke-dasharray:4 3\n");
            let _ = writeln!(out, "  class {} unverified", unverified.join(","));
        }
        out.push_str("```\n");
    }
}

/// Text inside a quoted Mermaid label: quotes and markup as entities, backticks dropped
/// (Mermaid reads them as Markdown strings), on one line.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '`' => {}
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn severity_rank(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// `` [`path:line`](link#Lline) ``, or the path alone when it cannot be linked.
fn place(name: &str, line: Option<usize>, options: &SummaryOptions<'_>) -> String {
    let text = match line {
        Some(line) => format!("`{}:{line}`", code_span(name)),
        None => format!("`{}`", code_span(name)),
    };
    let link = options
        .link_base
        .filter(|base| !base.is_empty() && name != STDIN_NAME)
        .and_then(|base| {
            let path = super::sarif::relative_uri(name, options.root)?;
            let base = base.trim_end_matches('/');
            Some(match line {
                Some(line) => format!("{base}/{path}#L{line}"),
                None => format!("{base}/{path}"),
            })
        });
    match link {
        Some(link) => format!("[{text}]({link})"),
        None => text,
    }
}

/// Text inside a code span in a table cell: one line, `|` escaped, no backtick.
fn code_span(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
        .replace('`', "'")
        .replace('|', "\\|")
}

/// Free text (which may hold `code spans`) for a table cell.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '!' | '&' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the row.
        out.push('`');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_code_spans_and_tables_intact() {
        assert_eq!(
            escape("role `a|b` allows ec2:* on <all> | [x]\nnext"),
            "role `a\\|b` allows ec2:\\* on \\<all\\> \\| \\[x\\] next"
        );
        assert_eq!(escape("unbalanced `tick"), "unbalanced `tick`");
        assert_eq!(code_span("a`b|c"), "a'b\\|c");
    }

    #[test]
    fn places_link_to_lines_relative_to_the_root() {
        let options = SummaryOptions {
            link_base: Some("https://github.com/o/r/blob/abc/"),
            root: Some(Path::new("/w")),
            fail_on: Severity::Error,
            top: DEFAULT_TOP,
        };
        assert_eq!(
            place("./stacks/a b.yaml", Some(4), &options),
            "[`./stacks/a b.yaml:4`](https://github.com/o/r/blob/abc/stacks/a%20b.yaml#L4)"
        );
        assert_eq!(
            place("/elsewhere/x.yaml", Some(1), &options),
            "`/elsewhere/x.yaml:1`"
        );
        assert_eq!(place(STDIN_NAME, Some(1), &options), "`<stdin>:1`");
        let options = SummaryOptions {
            link_base: None,
            ..options
        };
        assert_eq!(place("a.yaml", None, &options), "`a.yaml`");
    }

    #[test]
    fn a_clean_run_is_one_line() {
        let text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n";
        let report = crate::engine::lint_source(
            crate::SourceFile::new("q.yaml", text),
            true,
            &crate::LintOptions::default(),
        );
        let options = SummaryOptions {
            link_base: None,
            root: None,
            fail_on: Severity::Error,
            top: DEFAULT_TOP,
        };
        assert_eq!(
            render_summary(&[report], &options),
            "## ssmlint\n\n✅ **No problems found in 1 file**: no finding at the fail-on level (`error`).\n"
        );
    }
}

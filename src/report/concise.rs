//! Concise output: one line per finding, `path:line:col: CODE name message` (ruff's
//! `concise`, cfn-lint's `parseable`), then the summary line. Lines and columns are
//! 1-based, columns count characters. Colours (the place bold, the code in its
//! severity's colour) only when asked for: `--color auto` gives them to a terminal only.

use anstyle::{AnsiColor, Style};

use crate::engine::FileReport;
use crate::report::Summary;
use crate::rules::{Finding, Severity};

/// The findings of every report, one per line, without the summary line.
pub fn render_concise_findings(reports: &[FileReport], color: bool) -> String {
    let mut out = String::new();
    for report in reports {
        for finding in &report.findings {
            out.push_str(&line(report, finding, color));
            out.push('\n');
        }
    }
    out
}

/// The findings, then the summary line.
pub fn render_concise(reports: &[FileReport], color: bool) -> String {
    let mut out = render_concise_findings(reports, color);
    out.push_str(&Summary::of(reports).to_string());
    out.push('\n');
    out
}

/// `path:line:col: CODE name message`, on one line whatever the texts hold.
pub fn line(report: &FileReport, finding: &Finding, color: bool) -> String {
    let at = report.source.line_col(finding.span.start());
    let place = format!(
        "{}:{}:{}:",
        one_line(&report.source.name),
        at.line,
        at.column
    );
    let code = format!("{} {}", finding.code, finding.name);
    let message = one_line(&finding.message);
    if !color {
        return format!("{place} {code} {message}");
    }
    let bold = Style::new().bold();
    let severity = Style::new().bold().fg_color(Some(
        match finding.severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        }
        .into(),
    ));
    format!("{bold}{place}{bold:#} {severity}{code}{severity:#} {message}")
}

/// Line breaks, tabs and other control characters (which may come from the file) become
/// spaces: one finding stays one line, and nothing reaches the terminal as a command.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_finding_one_line() {
        let options = crate::engine::LintOptions::default();
        let report = crate::engine::lint_bytes("a\nb.yaml", b"a: [\x1b", true, &options);
        let out = render_concise(&[report], false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[0].starts_with("a b.yaml:1:"), "{out}");
        assert!(!out.contains('\u{1b}'));
        assert_eq!(lines[1], "1 error in 1 file");
    }
}

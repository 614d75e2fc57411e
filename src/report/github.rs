//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per
//! finding, which the runner turns into an annotation on the file and line.
//!
//! ```text
//! ::error file=a.yaml,line=28,col=3,endLine=28,endColumn=12,title=SSM100 instance-profile-missing::message
//! ```
//!
//! Escaping follows the runner (`toolkit/packages/core/src/command.ts`): in the message
//! `%`, CR and LF become `%25`, `%0D`, `%0A`; in property values `:` and `,` become
//! `%3A` and `%2C` as well. Suppressed findings are not annotated.

use crate::engine::FileReport;
use crate::rules::{Finding, Severity};

/// The workflow command for a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes the message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One line per finding, in report order.
pub fn render_github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for finding in &report.findings {
            out.push_str(&annotation(report, finding));
            out.push('\n');
        }
    }
    out
}

fn annotation(report: &FileReport, finding: &Finding) -> String {
    let source = &report.source;
    let start = source.line_col(finding.span.start());
    let end = source.line_col(finding.span.end().max(finding.span.start()));
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\n\nhelp: ");
        message.push_str(help);
    }
    if !finding.url.is_empty() {
        message.push_str("\n\n");
        message.push_str(finding.url);
    }
    // The runner normalises backslashes in `file` itself; the path is as shown.
    format!(
        "::{command} file={file},line={line},col={col},endLine={end_line},endColumn={end_col},title={title}::{message}",
        command = command(finding.severity),
        file = escape_property(&source.name),
        line = start.line,
        col = start.column,
        end_line = end.line,
        end_col = end.column,
        title = escape_property(&format!("{} {}", finding.code, finding.name)),
        message = escape_data(&message),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("100%\r\nnext: a,b"), "100%25%0D%0Anext: a,b");
        assert_eq!(
            escape_property("dir,x/a:b%.yaml\n"),
            "dir%2Cx/a%3Ab%25.yaml%0A"
        );
    }

    #[test]
    fn one_line_per_finding() {
        let text = "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties: {MetadataOptions: {HttpTokens: required}}\n";
        let report = crate::engine::lint_source(
            crate::SourceFile::new("a,b.yaml", text),
            true,
            &crate::LintOptions::default(),
        );
        let out = render_github(&[report]);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(
            out.starts_with("::error file=a%2Cb.yaml,line=2,col=3,endLine=2,endColumn=6,title=SSM100 instance-profile-missing::instance `Web`"),
            "{out}"
        );
        assert!(!out.trim_end().contains('\n'));
    }
}

//! JUnit XML: one `<testsuite>` per file and one `<testcase>` per file × rule.
//!
//! A testcase fails (`<failure>`) when the rule reports a finding at or above the
//! `--fail-on` level; the failure carries the first message and, in its body, every
//! finding with its location. A file that cannot be read or parsed (SSM000) or is no
//! template (SSM001) gives an `<error>` instead. Findings below the level and suppressed
//! findings are listed in the testcase's `<system-out>`, which passes.

use std::fmt::Write as _;

use crate::engine::{FileKind, FileReport};
use crate::rules::{find_rule, Category, Finding, Severity, ALL_RULES};

/// Renders the reports. `enabled` tells which rules ran, so that a template gets a
/// passing testcase for each rule that found nothing.
pub fn render_junit(
    reports: &[FileReport],
    fail_on: Severity,
    enabled: &dyn Fn(&str) -> bool,
) -> String {
    let mut suites = String::new();
    let (mut total, mut total_failures, mut total_errors) = (0, 0, 0);
    for report in reports {
        let name = &report.source.name;
        let mut codes: Vec<&str> = Vec::new();
        if matches!(
            report.kind,
            FileKind::Template | FileKind::IdentityPolicy | FileKind::ResourcePolicy
        ) {
            codes.extend(
                ALL_RULES
                    .iter()
                    .map(|r| r.meta())
                    .filter(|m| m.category != Category::Input || m.code == "SSM002")
                    .map(|m| m.code)
                    .filter(|c| enabled(c)),
            );
        }
        for code in report
            .findings
            .iter()
            .map(|f| f.code)
            .chain(report.suppressed.iter().map(|s| s.finding.code))
        {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes.sort_unstable();
        let (mut failures, mut errors) = (0, 0);
        let mut cases = String::new();
        for code in &codes {
            let findings: Vec<&Finding> =
                report.findings.iter().filter(|f| f.code == *code).collect();
            let failing: Vec<&&Finding> =
                findings.iter().filter(|f| f.severity >= fail_on).collect();
            let rule_name = find_rule(code).map_or("", |r| r.meta().name);
            let _ = write!(
                cases,
                "    <testcase classname=\"{file}\" name=\"{code} {rule_name}\" file=\"{file}\"",
                file = xml(name),
            );
            let mut out_lines = Vec::new();
            for f in findings.iter().filter(|f| f.severity < fail_on) {
                out_lines.push(line(report, f));
            }
            for s in report.suppressed.iter().filter(|s| s.finding.code == *code) {
                let reason = s.reason.as_deref().unwrap_or("no reason given");
                out_lines.push(format!(
                    "suppressed: {} ({reason})",
                    line(report, &s.finding)
                ));
            }
            if failing.is_empty() && out_lines.is_empty() {
                cases.push_str("/>\n");
                continue;
            }
            cases.push_str(">\n");
            if let Some(first) = failing.first() {
                let element = if matches!(*code, "SSM000" | "SSM001") {
                    errors += 1;
                    "error"
                } else {
                    failures += 1;
                    "failure"
                };
                let message = if failing.len() == 1 {
                    first.message.clone()
                } else {
                    format!("{} findings; the first: {}", failing.len(), first.message)
                };
                let body: Vec<String> = failing.iter().map(|f| line(report, f)).collect();
                let _ = writeln!(
                    cases,
                    "      <{element} message=\"{}\" type=\"{code}\">{}</{element}>",
                    xml(&message),
                    escape(&body.join("\n"), false),
                );
            }
            if !out_lines.is_empty() {
                let _ = writeln!(
                    cases,
                    "      <system-out>{}</system-out>",
                    escape(&out_lines.join("\n"), false)
                );
            }
            cases.push_str("    </testcase>\n");
        }
        total += codes.len();
        total_failures += failures;
        total_errors += errors;
        let _ = write!(
            suites,
            "  <testsuite name=\"{file}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\"",
            file = xml(name),
            tests = codes.len(),
        );
        if cases.is_empty() {
            suites.push_str("/>\n");
        } else {
            suites.push_str(">\n");
            suites.push_str(&cases);
            suites.push_str("  </testsuite>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ssmlint\" tests=\"{total}\" failures=\"{total_failures}\" errors=\"{total_errors}\">\n{suites}</testsuites>\n"
    )
}

/// `file:line:col: severity CODE name: message`, then the help, indented.
fn line(report: &FileReport, finding: &Finding) -> String {
    let at = report.source.line_col(finding.span.start());
    let mut out = format!(
        "{}:{}:{}: {} {} {}: {}",
        report.source.name,
        at.line,
        at.column,
        finding.severity,
        finding.code,
        finding.name,
        finding.message
    );
    if let Some(help) = &finding.help {
        out.push_str("\n  help: ");
        out.push_str(&help.replace('\n', "\n  "));
    }
    out
}

/// Escapes an attribute value (line breaks too, so that they survive).
fn xml(text: &str) -> String {
    escape(text, true)
}

/// Escapes element content; characters XML 1.0 cannot hold become U+FFFD.
fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            xml("a<b & \"c\"\u{1b}\n"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}&#10;"
        );
        assert_eq!(escape("x\ny", false), "x\ny");
    }
}

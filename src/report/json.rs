//! JSON output, versioned: `{"version": 1, "findings": [..], "files": [..], "summary": {..}}`.
//!
//! Lines and columns are 1-based; columns count characters. Fields are never removed or
//! renamed within a version.

use serde::Serialize;

use crate::base::SourceFile;
use crate::engine::baseline::Applied;
use crate::engine::FileReport;
use crate::report::statistics::{self, RuleCount};
use crate::report::Summary;
use crate::rules::{Applicability, Finding};

/// The version of the JSON schema below.
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct JsonOutput<'a> {
    pub version: u32,
    pub findings: Vec<JsonFinding<'a>>,
    pub files: Vec<JsonFile<'a>>,
    pub summary: JsonSummary,
    /// Findings hidden by suppressions (added in version 1; not counted in `summary`
    /// except as `suppressed`).
    pub suppressions: Vec<JsonSuppressed<'a>>,
    /// What `--baseline` (or `--write-baseline`) did; only with one of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<&'a Applied>,
}

/// The counts, and with `--statistics` the findings counted by rule.
#[derive(Debug, Serialize)]
pub struct JsonSummary {
    #[serde(flatten)]
    pub counts: Summary,
    /// With `--statistics`: code, name, severity, count and fixable, by count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_rule: Option<Vec<RuleCount>>,
}

/// What the JSON report holds besides the reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonExtras<'a> {
    /// `--statistics`: add `summary.by_rule`.
    pub statistics: bool,
    pub baseline: Option<&'a Applied>,
}

/// A suppressed finding: the finding's fields, the reason, and where the suppression is.
#[derive(Debug, Serialize)]
pub struct JsonSuppressed<'a> {
    #[serde(flatten)]
    pub finding: JsonFinding<'a>,
    pub reason: Option<&'a str>,
    /// `comment`, `resource-metadata` or `template-metadata`.
    pub suppressed_by: &'static str,
    pub suppression_line: usize,
    pub suppression_column: usize,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub severity: &'a str,
    pub file: &'a str,
    #[serde(flatten)]
    pub range: JsonRange,
    pub resource: Option<&'a str>,
    pub message: &'a str,
    pub help: Option<&'a str>,
    /// The automatic fix (added in version 1; omitted when the finding has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<JsonFix<'a>>,
}

/// A finding's fix: what `--fix` would do.
#[derive(Debug, Serialize)]
pub struct JsonFix<'a> {
    pub title: &'a str,
    /// `safe` (applied by `--fix`) or `unsafe` (only with `--unsafe-fixes`).
    pub applicability: Applicability,
    pub edits: Vec<JsonEdit<'a>>,
}

/// Replace `start..end` (bytes; also as 1-based lines and character columns) by `text`.
#[derive(Debug, Serialize)]
pub struct JsonEdit<'a> {
    pub start: usize,
    pub end: usize,
    #[serde(flatten)]
    pub range: JsonRange,
    pub text: &'a str,
}

/// Where a span starts and ends: 1-based lines, columns in characters.
#[derive(Debug, Serialize)]
pub struct JsonRange {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl JsonRange {
    pub fn of(source: &SourceFile, span: crate::base::Span) -> JsonRange {
        let start = source.line_col(span.start());
        let end = source.line_col(span.end().max(span.start()));
        JsonRange {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct JsonFile<'a> {
    pub path: &'a str,
    pub kind: &'a str,
    pub error: Option<&'a str>,
    /// Something to know that is not a finding (a bare policy statement); omitted when
    /// there is none, so version 1 output stays as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    pub fn new(source: &'a SourceFile, f: &'a Finding) -> JsonFinding<'a> {
        JsonFinding {
            code: f.code,
            name: f.name,
            severity: f.severity.as_str(),
            file: &source.name,
            range: JsonRange::of(source, f.span),
            resource: f.resource.as_deref(),
            message: &f.message,
            help: f.help.as_deref(),
            fix: f.fix.as_ref().map(|fix| JsonFix {
                title: &fix.title,
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        start: e.span.start(),
                        end: e.span.end(),
                        range: JsonRange::of(source, e.span),
                        text: &e.text,
                    })
                    .collect(),
            }),
        }
    }
}

impl<'a> JsonOutput<'a> {
    pub fn new(reports: &'a [FileReport]) -> JsonOutput<'a> {
        JsonOutput::with(reports, JsonExtras::default())
    }

    pub fn with(reports: &'a [FileReport], extras: JsonExtras<'a>) -> JsonOutput<'a> {
        let mut findings = Vec::new();
        let mut suppressions = Vec::new();
        for report in reports {
            let source = &report.source;
            for f in &report.findings {
                findings.push(JsonFinding::new(source, f));
            }
            for s in &report.suppressed {
                let at = source.line_col(s.span.start());
                suppressions.push(JsonSuppressed {
                    finding: JsonFinding::new(source, &s.finding),
                    reason: s.reason.as_deref(),
                    suppressed_by: s.origin.as_str(),
                    suppression_line: at.line,
                    suppression_column: at.column,
                });
            }
        }
        let files = reports
            .iter()
            .map(|r| JsonFile {
                path: &r.source.name,
                kind: r.kind.as_str(),
                error: r.error.as_deref(),
                note: r.note.as_deref(),
            })
            .collect();
        JsonOutput {
            version: JSON_VERSION,
            findings,
            files,
            summary: JsonSummary {
                counts: Summary::of(reports),
                by_rule: extras.statistics.then(|| statistics::by_rule(reports)),
            },
            suppressions,
            baseline: extras.baseline,
        }
    }
}

/// Pretty-printed JSON with a trailing newline.
pub fn render_json(reports: &[FileReport]) -> String {
    to_pretty(&JsonOutput::new(reports))
}

/// [`render_json`] with `--statistics` or a baseline.
pub fn render_json_with(reports: &[FileReport], extras: JsonExtras<'_>) -> String {
    to_pretty(&JsonOutput::with(reports, extras))
}

/// Pretty-prints any serializable value, with a trailing newline.
pub fn to_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    // Serializing structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        serde_json::json!({ "version": JSON_VERSION, "error": e.to_string() }).to_string()
    });
    out.push('\n');
    out
}

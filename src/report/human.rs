//! Human output: one miette diagnostic per finding, then a summary line.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::base::Span;
use crate::engine::FileReport;
use crate::report::Summary;
use crate::rules::{Finding, Severity};

/// How to render: colours on or off, and the width to wrap at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for HumanOptions {
    /// No colour, 100 columns: what snapshot tests and non-terminals get.
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

/// The findings of every report, then the summary line.
pub fn render_human(reports: &[FileReport], options: &HumanOptions) -> String {
    let mut out = render_findings(reports, options);
    out.push_str(&Summary::of(reports).to_string());
    out.push('\n');
    out
}

/// The findings of every report, each followed by a blank line; no summary.
pub fn render_findings(reports: &[FileReport], options: &HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Texts wrap at spaces only: a URL or a hyphenated name is never cut in two (a word
    // longer than the line overflows it instead).
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(options.width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    let mut out = String::new();
    for report in reports {
        if let Some(note) = &report.note {
            out.push_str(&format!(
                "note: {}: {note}\n\n",
                printable(&report.source.name)
            ));
        }
        // Control characters from the file (a binary file, an ESC sequence) must not reach
        // the terminal; replacing them keeps every byte offset.
        let text: Arc<str> = match printable(&report.source.text) {
            Cow::Borrowed(_) => Arc::clone(&report.source.text),
            Cow::Owned(text) => text.into(),
        };
        let name = printable(&report.source.name).into_owned();
        let source = Arc::new(CharColumns(NamedSource::new(
            name.clone(),
            Arc::clone(&text),
        )));
        for finding in &report.findings {
            let finding = &printable_finding(finding);
            let diagnostic = FindingDiagnostic {
                finding,
                text: &text,
                source: (!report.source.text.is_empty()).then(|| Arc::clone(&source)),
            };
            let mut rendered = String::new();
            if handler.render_report(&mut rendered, &diagnostic).is_err() {
                // Never lose a finding to a snippet miette cannot draw: retry without source.
                rendered.clear();
                let bare = FindingDiagnostic {
                    source: None,
                    ..diagnostic
                };
                let _ = handler.render_report(&mut rendered, &bare);
            }
            let start = source_span(&text, finding.span).offset();
            let at = report.source.line_col(start);
            let rendered = primary_first(&rendered, &format!("{name}:{}:{}]", at.line, at.column));
            // No trailing whitespace (miette indents blank lines of the help).
            for line in rendered.trim_end().lines() {
                out.push_str(line.trim_end());
                out.push('\n');
            }
            out.push('\n');
        }
    }
    out
}

/// miette draws a finding's snippets in file order, each under a header with the place
/// of its first label: when a secondary label comes before the finding's own place, the
/// first header would be that label's. This moves the snippet whose header is
/// `primary` (`file:line:col]`, the finding's place) before the others.
fn primary_first<'a>(rendered: &'a str, primary: &str) -> Cow<'a, str> {
    let lines: Vec<&str> = rendered.split_inclusive('\n').collect();
    let is_header = |line: &str| line.trim_start().starts_with("╭─[");
    let is_end = |line: &str| line.trim() == "╰────";
    let Some(first) = lines.iter().position(|l| is_header(l)) else {
        return Cow::Borrowed(rendered);
    };
    if lines[first].contains(primary) {
        return Cow::Borrowed(rendered);
    }
    let Some(start) = lines
        .iter()
        .enumerate()
        .position(|(i, l)| i > first && is_header(l) && l.contains(primary))
    else {
        return Cow::Borrowed(rendered);
    };
    let Some(end) = lines[start..]
        .iter()
        .position(|l| is_end(l))
        .map(|i| start + i)
    else {
        return Cow::Borrowed(rendered);
    };
    let mut out = String::with_capacity(rendered.len());
    out.extend(lines[..first].iter().copied());
    out.extend(lines[start..=end].iter().copied());
    out.extend(lines[first..start].iter().copied());
    out.extend(lines[end + 1..].iter().copied());
    Cow::Owned(out)
}

/// The source for miette, with the columns of its headers counted in characters (miette
/// counts bytes), as every other output of ssmlint counts them.
#[derive(Debug)]
struct CharColumns(NamedSource<Arc<str>>);

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self
            .0
            .read_span(span, context_lines_before, context_lines_after)?;
        let text: &str = self.0.inner();
        let start = contents.span().offset();
        let column = match text.get(..start) {
            Some(before) if contents.column() > 0 => {
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                before[line_start..].chars().count()
            }
            _ => contents.column(),
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            contents.name().unwrap_or_default().to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

/// Replaces control characters other than tab, CR and LF with a character of the same
/// UTF-8 length (`?` for C0 and DEL, `¿` for C1), so that spans stay valid.
fn printable(text: &str) -> Cow<'_, str> {
    let is_bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.contains(is_bad) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if !is_bad(c) => c,
                c if c.len_utf8() == 1 => '?',
                _ => '¿',
            })
            .collect(),
    )
}

/// The finding with its texts made [`printable`] (they may quote the file).
fn printable_finding(finding: &Finding) -> Cow<'_, Finding> {
    let clean = |t: &str| matches!(printable(t), Cow::Borrowed(_));
    let all_clean = clean(&finding.message)
        && clean(&finding.label)
        && finding.labels.iter().all(|l| clean(&l.text))
        && finding.help.as_deref().is_none_or(clean);
    if all_clean {
        return Cow::Borrowed(finding);
    }
    let mut owned = finding.clone();
    owned.message = printable(&owned.message).into_owned();
    owned.label = printable(&owned.label).into_owned();
    for label in &mut owned.labels {
        label.text = printable(&label.text).into_owned();
    }
    owned.help = owned.help.as_deref().map(|h| printable(h).into_owned());
    Cow::Owned(owned)
}

/// A finding seen as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    text: &'a str,
    source: Option<Arc<CharColumns>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("finding", self.finding)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} {}",
            self.finding.code, self.finding.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_deref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.finding.url.is_empty()).then(|| Box::new(self.finding.url) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_deref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        fn label(text: &str) -> Option<String> {
            (!text.is_empty()).then(|| text.to_string())
        }
        let primary = LabeledSpan::new_primary_with_span(
            label(&self.finding.label),
            source_span(self.text, self.finding.span),
        );
        let secondary =
            self.finding.labels.iter().map(|l| {
                LabeledSpan::new_with_span(label(&l.text), source_span(self.text, l.span))
            });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// Clamps a span to the text and widens it to character boundaries, so that a span from
/// a lossily decoded or truncated text can never make the renderer slice mid-character.
/// An empty span in the trailing whitespace at the end of the file (where miette draws no
/// label) moves onto the last visible character.
fn source_span(text: &str, span: Span) -> SourceSpan {
    let content_end = text.trim_end().len();
    if span.is_empty() && span.start >= content_end && content_end > 0 {
        let last = text[..content_end]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i);
        return SourceSpan::new(last.into(), content_end - last);
    }
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    SourceSpan::new(start.into(), end - start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_snap_to_char_boundaries() {
        let text = "aé";
        assert_eq!(
            source_span(text, Span::new(2, 3)),
            SourceSpan::new(1.into(), 2)
        );
        assert_eq!(
            source_span(text, Span::new(9, 12)),
            SourceSpan::new(3.into(), 0)
        );
        assert_eq!(
            source_span(text, Span::new(2, 1)),
            SourceSpan::new(1.into(), 0)
        );
    }

    #[test]
    fn control_characters_are_replaced_in_place() {
        assert_eq!(printable("a\u{1b}[31mb\u{85}\tc\r\n"), "a?[31mb¿\tc\r\n");
        assert!(matches!(printable("plain é\n"), Cow::Borrowed(_)));
        let report = crate::engine::lint_bytes(
            "x\u{1b}.yaml",
            b"a: \x1b[2J\x00",
            true,
            &crate::engine::LintOptions::default(),
        );
        let out = render_human(&[report], &HumanOptions::default());
        assert!(
            !out.contains(|c: char| c.is_control() && c != '\n'),
            "{out:?}"
        );
    }

    #[test]
    fn empty_spans_at_the_end_point_at_the_last_character() {
        assert_eq!(
            source_span("b: [\n\n", Span::new(6, 6)),
            SourceSpan::new(3.into(), 1)
        );
        assert_eq!(
            source_span("b: é", Span::new(5, 5)),
            SourceSpan::new(3.into(), 2)
        );
        assert_eq!(
            source_span("", Span::new(0, 0)),
            SourceSpan::new(0.into(), 0)
        );
        assert_eq!(
            source_span("\n", Span::new(1, 1)),
            SourceSpan::new(1.into(), 0)
        );
    }

    #[test]
    fn rendering_never_panics_on_odd_spans() {
        let options = crate::engine::LintOptions::default();
        for text in ["", "\n", "a: [", "a: [\n\n", "\u{feff}", "é: [", "\t{"] {
            for explicit in [true, false] {
                let report =
                    crate::engine::lint_bytes("t.yaml", text.as_bytes(), explicit, &options);
                let out = render_human(&[report], &HumanOptions::default());
                assert!(out.ends_with("in 1 file\n"), "{out}");
            }
        }
        let bytes = b"Resources:\n  X: \xff";
        let report = crate::engine::lint_bytes("t.yaml", bytes, true, &options);
        let out = render_human(&[report], &HumanOptions::default());
        assert!(out.contains("invalid UTF-8 here"), "{out}");
    }
}

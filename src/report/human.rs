//! Human output: one miette diagnostic per finding, then a summary line.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
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
        let text: Arc<String> = match printable(&report.source.text) {
            Cow::Borrowed(_) => Arc::clone(&report.source.text),
            Cow::Owned(text) => Arc::new(text),
        };
        let name = printable(&report.source.name).into_owned();
        let lines = LineStarts::new(&text);
        for finding in &report.findings {
            let finding = &printable_finding(finding);
            // miette is given only the lines around the finding's labels (it reads its
            // source from the start for every label), with overlong lines cut.
            let excerpt = (!report.source.text.is_empty()).then(|| {
                // Characters counted with the file's marks: a cut line of a minified
                // template is megabytes long, and each finding cuts it.
                let chars = |from: usize, to: usize| {
                    report.source.chars_before(to) - report.source.chars_before(from)
                };
                Excerpt::new(&name, &text, &lines, &finding_spans(&text, finding), &chars)
            });
            let hidden = finding.labels.len().saturating_sub(MAX_SHOWN_LABELS - 1);
            let diagnostic = FindingDiagnostic {
                finding,
                source: excerpt,
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
            if hidden > 0 {
                out.push_str(&format!(
                    "  note: {hidden} more labelled places are not shown here (`--format json` lists them all)\n"
                ));
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
#[allow(
    clippy::indexing_slicing,
    reason = "line indices come from positions found in the same list"
)]
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
    let Some(end) = lines
        .get(start..)
        .unwrap_or_default()
        .iter()
        .position(|l| is_end(l))
        .map(|i| start + i)
    else {
        return Cow::Borrowed(rendered);
    };
    let mut out = String::with_capacity(rendered.len());
    out.extend(lines.get(..first).unwrap_or_default().iter().copied());
    out.extend(lines.get(start..=end).unwrap_or_default().iter().copied());
    out.extend(lines.get(first..start).unwrap_or_default().iter().copied());
    out.extend(lines.get(end + 1..).unwrap_or_default().iter().copied());
    Cow::Owned(out)
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
    /// The lines it shows, and its labels' spans in them.
    source: Option<Excerpt>,
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
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.source.as_ref()?;
        fn label(text: &str) -> Option<String> {
            (!text.is_empty()).then(|| text.to_string())
        }
        let texts = std::iter::once((&self.finding.label, true))
            .chain(self.finding.labels.iter().map(|l| (&l.text, false)));
        Some(Box::new(texts.zip(&excerpt.spans).map(
            |((text, primary), span)| {
                if primary {
                    LabeledSpan::new_primary_with_span(label(text), *span)
                } else {
                    LabeledSpan::new_with_span(label(text), *span)
                }
            },
        )))
    }
}

/// The most labels one finding shows (its own place first): a finding about thousands of
/// resources stays readable, and drawing it costs the same on any file size.
const MAX_SHOWN_LABELS: usize = 10;

/// The finding's label spans in the text (primary first, at most [`MAX_SHOWN_LABELS`]),
/// made safe by [`source_span`].
fn finding_spans(text: &str, finding: &Finding) -> Vec<SourceSpan> {
    std::iter::once(finding.span)
        .chain(finding.labels.iter().map(|l| l.span))
        .take(MAX_SHOWN_LABELS)
        .map(|span| source_span(text, span))
        .collect()
}

/// Lines longer than this many bytes are shown cut to a window around the labels on
/// them (a minified JSON template is one line: miette cannot draw a label past column
/// 65,535, and a megabyte of context helps nobody).
const MAX_SHOWN_LINE: usize = 1000;
/// How much of a cut line is shown: this many bytes before the first label on it, and
/// [`CUT_WINDOW`] bytes in all.
const CUT_BEFORE: usize = 40;
const CUT_WINDOW: usize = 160;
/// Lines shown around each label: miette's one line of context, and one to spare.
const MARGIN_LINES: usize = 2;
const ELLIPSIS: &str = "…";
/// Labels further apart than this many lines are always drawn as separate snippets.
const MAX_JOINED_GAP: usize = 100;

/// Where each line starts, the way miette counts lines (`\n`, `\r\n`, or a lone `\r`).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        LineStarts(starts)
    }

    /// The index of the line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// The byte range of line `index`, its line break included.
    fn range(&self, index: usize, text_len: usize) -> (usize, usize) {
        let start = self.0.get(index).copied().unwrap_or(text_len);
        let end = self.0.get(index + 1).copied().unwrap_or(text_len);
        (start, end)
    }
}

/// One line of the text as it appears in an excerpt.
#[derive(Debug, Clone, Copy)]
struct ShownLine {
    /// Its start in the text, and the end of its content (before the line break).
    start: usize,
    content_end: usize,
    /// The part of it shown (all of it, unless it is cut).
    kept: (usize, usize),
    /// Where the line and its kept part start in the excerpt.
    at: usize,
    kept_at: usize,
    /// How many characters of the line come before its kept part.
    chars_before_kept: usize,
}

/// A run of consecutive lines of an excerpt.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Its byte range in the excerpt.
    start: usize,
    end: usize,
    /// The 0-based index of its first line in the file.
    first_line: usize,
}

/// The part of a file one finding shows: the lines around its labels, in pieces, each
/// line longer than [`MAX_SHOWN_LINE`] cut, and the labels' spans in it. miette reads it
/// like the whole file (same line numbers and columns) at a cost that does not grow with
/// the file.
struct Excerpt {
    name: String,
    text: String,
    pieces: Vec<Piece>,
    lines: Vec<ShownLine>,
    /// The finding's label spans, in the excerpt.
    spans: Vec<SourceSpan>,
}

impl Excerpt {
    /// `chars(a, b)`: the number of characters between the byte offsets `a` and `b`.
    fn new(
        name: &str,
        text: &str,
        starts: &LineStarts,
        spans: &[SourceSpan],
        chars: &dyn Fn(usize, usize) -> usize,
    ) -> Excerpt {
        let last_line = starts.0.len() - 1;
        // The lines of each label, merged into runs: those that overlap, and those miette
        // would draw as one snippet. miette joins the next label's snippet to the last
        // one when `line + line_count >= next line`, with `line_count` counted from the
        // start of the file, so at line L it joins labels up to about line 2L away: runs
        // are merged a little more generously than that (joined more than needed, a run
        // is only longer), but never across more than MAX_JOINED_GAP lines.
        let mut labels: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                let first = starts.line_of(s.offset());
                let end = (s.offset() + s.len()).saturating_sub(1).max(s.offset());
                (first, starts.line_of(end))
            })
            .collect();
        labels.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (first, last) in labels {
            let run = (
                first.saturating_sub(MARGIN_LINES),
                (last + MARGIN_LINES).min(last_line),
            );
            match merged.last_mut() {
                Some(prev)
                    if run.0 <= prev.1 + 1
                        || (first <= 2 * prev.1 + 2 * MARGIN_LINES + 2
                            && first - prev.1 <= MAX_JOINED_GAP) =>
                {
                    prev.1 = prev.1.max(run.1);
                }
                _ => merged.push(run),
            }
        }
        let mut excerpt = Excerpt {
            name: name.to_string(),
            text: String::new(),
            pieces: Vec::new(),
            lines: Vec::new(),
            spans: Vec::new(),
        };
        for (first, last) in merged {
            let start = excerpt.text.len();
            for index in first..=last {
                let (line_start, line_end) = starts.range(index, text.len());
                excerpt.push_line(text, line_start, line_end, spans, chars);
            }
            excerpt.pieces.push(Piece {
                start,
                end: excerpt.text.len(),
                first_line: first,
            });
        }
        excerpt.spans = spans
            .iter()
            .map(|s| {
                let start = excerpt.to_excerpt(s.offset());
                let end = excerpt.to_excerpt(s.offset() + s.len()).max(start);
                SourceSpan::new(start.into(), end - start)
            })
            .collect();
        excerpt
    }

    fn push_line(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        spans: &[SourceSpan],
        chars: &dyn Fn(usize, usize) -> usize,
    ) {
        let line = text.get(start..end).unwrap_or_default();
        let content_end = start + line.trim_end_matches(['\n', '\r']).len();
        let at = self.text.len();
        if content_end - start <= MAX_SHOWN_LINE {
            self.text.push_str(line);
            self.lines.push(ShownLine {
                start,
                content_end,
                kept: (start, content_end),
                at,
                kept_at: at,
                chars_before_kept: 0,
            });
            return;
        }
        // Cut: from a little before the first label on the line.
        let first_label = spans
            .iter()
            .filter(|s| s.offset() < content_end && s.offset() + s.len() >= start)
            .map(|s| s.offset().max(start))
            .min()
            .unwrap_or(start);
        let mut from = first_label.saturating_sub(CUT_BEFORE).max(start);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (from + CUT_WINDOW).min(content_end);
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        if from > start {
            self.text.push_str(ELLIPSIS);
        }
        let kept_at = self.text.len();
        self.text.push_str(text.get(from..to).unwrap_or_default());
        if to < content_end {
            self.text.push_str(ELLIPSIS);
        }
        self.text
            .push_str(text.get(content_end..end).unwrap_or_default());
        self.lines.push(ShownLine {
            start,
            content_end,
            kept: (from, to),
            at,
            kept_at,
            chars_before_kept: chars(start, from),
        });
    }

    /// A text offset in the excerpt: the nearest shown place on its line.
    fn to_excerpt(&self, offset: usize) -> usize {
        let index = self
            .lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1);
        let Some(line) = self.lines.get(index) else {
            return 0;
        };
        if offset >= line.content_end {
            // In the line break (or past the text).
            let break_at = line.kept_at
                + (line.kept.1 - line.kept.0)
                + if line.kept.1 < line.content_end {
                    ELLIPSIS.len()
                } else {
                    0
                };
            return (break_at + (offset - line.content_end)).min(self.text.len());
        }
        let offset = offset.clamp(line.kept.0, line.kept.1);
        line.kept_at + (offset - line.kept.0)
    }

    /// The column, in characters as JSON, SARIF and concise count it, of an excerpt
    /// offset in the file.
    fn char_column_in_file(&self, at: usize) -> Option<usize> {
        let index = self.lines.partition_point(|l| l.at <= at).saturating_sub(1);
        let line = self.lines.get(index)?;
        let shown = self.text.get(line.kept_at..at.max(line.kept_at))?;
        Some(line.chars_before_kept + shown.chars().count())
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // A span is read from the piece holding it; one across pieces (miette's attempt
        // to join two snippets far apart) cannot be read, and the snippets stay apart.
        let end = span.offset() + span.len();
        let piece = self
            .pieces
            .iter()
            .find(|p| p.start <= span.offset() && end <= p.end)
            .ok_or(MietteError::OutOfBounds)?;
        let data = self.text.get(piece.start..piece.end).unwrap_or_default();
        let inner = SourceSpan::new((span.offset() - piece.start).into(), span.len());
        let contents = data.read_span(&inner, context_lines_before, context_lines_after)?;
        // The header's column (miette reads it with no context lines) in characters.
        let column = match (
            context_lines_before,
            self.char_column_in_file(span.offset()),
        ) {
            (0, Some(column)) => column,
            _ => contents.column(),
        };
        let data_start = piece.start + contents.span().offset();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text
                .as_bytes()
                .get(data_start..data_start + contents.data().len())
                .unwrap_or_default(),
            SourceSpan::new(data_start.into(), contents.span().len()),
            piece.first_line + contents.line(),
            column,
            // miette counts the lines from the start of its source.
            piece.first_line + contents.line_count(),
        )))
    }
}

/// Clamps a span to the text and widens it to character boundaries, so that a span from
/// a lossily decoded or truncated text can never make the renderer slice mid-character.
/// An empty span in the trailing whitespace at the end of the file (where miette draws no
/// label) moves onto the last visible character.
fn source_span(text: &str, span: Span) -> SourceSpan {
    let content_end = text.trim_end().len();
    if span.is_empty() && span.start() >= content_end && content_end > 0 {
        let last = text
            .get(..content_end)
            .unwrap_or_default()
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i);
        return SourceSpan::new(last.into(), content_end - last);
    }
    let mut start = span.start().min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end().clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    SourceSpan::new(start.into(), end - start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_chars(text: &str) -> impl Fn(usize, usize) -> usize + '_ {
        |from, to| text.get(from..to).map_or(0, |t| t.chars().count())
    }

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

    // Issue 10, item 11: miette read the whole file for every label, so human output
    // cost findings × file size. It is given the lines around the labels only.
    #[test]
    fn excerpts_do_not_grow_with_the_file() {
        let mut text = String::new();
        for i in 0..50_000 {
            text.push_str(&format!("  key{i}: value\n"));
        }
        let starts = LineStarts::new(&text);
        let middle = text.len() / 2;
        let far = text.len() - 5;
        let spans = [
            SourceSpan::new(middle.into(), 4),
            SourceSpan::new(far.into(), 2),
        ];
        let excerpt = Excerpt::new("t.yaml", &text, &starts, &spans, &count_chars(&text));
        assert!(excerpt.text.len() < 400, "{}", excerpt.text.len());
        assert_eq!(excerpt.pieces.len(), 2);
        let contents = excerpt.read_span(&excerpt.spans[0], 1, 1).unwrap();
        assert_eq!(contents.line() + 1, starts.line_of(middle));
        let contents = excerpt.read_span(&excerpt.spans[1], 0, 0).unwrap();
        assert_eq!(contents.line(), starts.line_of(far));
        // A span across two pieces cannot be read: miette keeps the snippets apart.
        let across = SourceSpan::new(excerpt.spans[0].offset().into(), excerpt.text.len() - 1);
        assert!(excerpt.read_span(&across, 1, 1).is_err());
    }

    // Issue 10, item 2: a label past column 65,535 made miette panic ("Formatting argument
    // out of range"). Long lines are cut around the labels, and the column is the file's.
    #[test]
    fn long_lines_are_cut_around_the_label() {
        let text = format!("{{\"a\": \"{}\", \"b\": 1}}\n", "x".repeat(100_000));
        let at = text.find("\"b\"").unwrap();
        let starts = LineStarts::new(&text);
        let excerpt = Excerpt::new(
            "t.json",
            &text,
            &starts,
            &[SourceSpan::new(at.into(), 3)],
            &count_chars(&text),
        );
        assert!(excerpt.text.len() < 2 * CUT_WINDOW, "{}", excerpt.text);
        let span = excerpt.spans[0];
        assert_eq!(&excerpt.text[span.offset()..span.offset() + 3], "\"b\"");
        let contents = excerpt.read_span(&span, 0, 0).unwrap();
        assert_eq!(contents.column(), at);
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

//! Edits of a spanned document that keep its style: the text a fix inserts is written by
//! the [emitter](crate::diagnostic::emit) in the file's [`Style`] — JSON or YAML, block or
//! flow as the collection is written, the file's indentation, quotes, tags and line
//! breaks — and removals take whole lines (block YAML) or an item and its comma (flow,
//! JSON). Comments outside what is removed stay where they are. Every operation returns
//! `None` where it cannot be sure of the result, so a rule then offers no fix.

use crate::base::Span;
use crate::diagnostic::emit::{Snippet, Style};
use crate::diagnostic::Edit;

use super::{Node, NodeKind};

/// Writes edits against one text.
pub struct Editor<'a> {
    text: &'a str,
    pub style: Style,
    /// The offset of every `\n`, found once: a minified template is one line of
    /// megabytes, and a fix per resource must not scan it for line ends each time.
    /// In 32 bits, like every span (inputs are capped at 64 MiB).
    newlines: std::cell::OnceCell<Box<[u32]>>,
}

impl<'a> Editor<'a> {
    pub fn new(text: &'a str, json: bool) -> Editor<'a> {
        Editor {
            text,
            style: Style::detect(text, json),
            newlines: std::cell::OnceCell::new(),
        }
    }

    fn newlines(&self) -> &[u32] {
        self.newlines.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count());
            out.extend(
                memchr::memchr_iter(b'\n', bytes).map(|i| u32::try_from(i).unwrap_or(u32::MAX)),
            );
            out.into_boxed_slice()
        })
    }

    /// The index of the first `\n` at or after `at`.
    fn newlines_before(&self, at: usize) -> usize {
        self.newlines()
            .partition_point(|&n| usize::try_from(n).unwrap_or(usize::MAX) < at)
    }

    /// The first `\n` at or after `at`, if any.
    fn newline_from(&self, at: usize) -> Option<usize> {
        let i = self.newlines_before(at);
        self.newlines().get(i).map(|&n| n as usize)
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    /// The start of the line holding `at`.
    fn line_start(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        match self.newlines_before(at) {
            0 => 0,
            i => self.newlines().get(i - 1).map_or(0, |&n| n as usize + 1),
        }
    }

    /// The end of the line holding `at`, before its line break.
    fn line_end(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        let end = self.newline_from(at).unwrap_or(self.text.len());
        if end > 0 && self.byte(end - 1) == Some(b'\r') {
            end - 1
        } else {
            end
        }
    }

    /// Past the line break of the line holding `at` (or the end of the text).
    fn next_line(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        self.newline_from(at).map_or(self.text.len(), |i| i + 1)
    }

    /// The column of `at` in bytes (spaces before a key).
    fn column(&self, at: usize) -> usize {
        at.saturating_sub(self.line_start(at))
    }

    /// The text before `at` on its line.
    fn before_on_line(&self, at: usize) -> &str {
        self.text.get(self.line_start(at)..at).unwrap_or("")
    }

    /// Whether only blanks come before `at` on its line.
    fn starts_line(&self, at: usize) -> bool {
        self.before_on_line(at)
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
    }

    /// The end of a node's content: its span end without trailing blanks and breaks (a
    /// block scalar's span takes its final line breaks).
    fn content_end(&self, node: &Node) -> usize {
        let mut end = node.span.end().min(self.text.len());
        let floor = node.span.start();
        let mut steps = 0usize;
        while end > floor && steps < self.text.len() {
            match self.byte(end - 1) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => end -= 1,
                _ => break,
            }
            steps += 1;
        }
        end
    }

    /// Whether a collection is written in flow style (`{...}`, `[...]`; always in JSON).
    fn is_flow(&self, node: &Node) -> bool {
        matches!(self.byte(node.span.start()), Some(b'{' | b'['))
    }

    /// Whether the whole node is on one line.
    fn one_line(&self, node: &Node) -> bool {
        self.text.get(node.span.range()).is_some()
            && self
                .newline_from(node.span.start())
                .is_none_or(|n| n >= node.span.end())
    }

    /// The leading blanks of the line holding `at`.
    fn line_indent(&self, at: usize) -> String {
        self.before_on_line(at)
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect()
    }

    /// Adds `entries` to the mapping `map` (after its last entry). `None` for a mapping
    /// that is not written as one (a tagged value) or has a key already.
    pub fn insert_entries(&self, map: &Node, entries: &[(&str, Snippet)]) -> Option<Edit> {
        if entries.iter().any(|(k, _)| map.entry(k).is_some()) {
            return None;
        }
        self.insert_new_entries(map, entries)
    }

    /// [`Editor::insert_entries`] for keys the caller knows are new (logical ids checked
    /// against the template's index): a fix per resource must not scan `Resources`.
    pub fn insert_new_entries(&self, map: &Node, entries: &[(&str, Snippet)]) -> Option<Edit> {
        let present = map.as_map()?;
        // `{Fn::If: ...}` is a function, not a mapping to add keys to.
        if map.as_intrinsic().is_some() || entries.is_empty() {
            return None;
        }
        let style = &self.style;
        if self.style.json || self.is_flow(map) {
            let open = map.span.start();
            if !matches!(self.byte(open), Some(b'{')) {
                return None;
            }
            let pieces: Vec<String> = entries
                .iter()
                .map(|(k, v)| self.flow_pair(k, v, None))
                .collect();
            let Some(last) = present.last() else {
                // `{}`: fill it.
                let close = map.span.end().checked_sub(1)?;
                if self.byte(close) != Some(b'}') {
                    return None;
                }
                return Some(Edit {
                    span: Span::new(open + 1, close),
                    text: pieces.join(", "),
                });
            };
            let at = self.content_end(&last.value);
            let text = if self.style.json && !self.one_line(map) {
                let pad = self.line_indent(last.key_span.start());
                let pieces: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{pad}{}", self.flow_pair(k, v, Some(&pad))))
                    .collect();
                format!(",\n{}", pieces.join(",\n"))
            } else {
                format!(", {}", pieces.join(", "))
            };
            return Some(Edit {
                span: Span::new(at, at),
                text: style.lines(&text),
            });
        }
        let first = present.first()?;
        let indent = self.column(first.key_span.start());
        let last = present.last()?;
        let at = self.line_end(self.content_end(&last.value).max(last.key_span.end()));
        // Entries apart by a blank line (resources, often) get one too.
        let spaced = match present {
            [a, b, ..] => self
                .text
                .get(
                    self.line_end(self.content_end(&a.value).max(a.key_span.end()))
                        ..b.key_span.start(),
                )
                .is_some_and(|between| {
                    between.matches('\n').count() > 1 && between.trim().is_empty()
                }),
            _ => false,
        };
        let mut text = String::new();
        for (k, v) in entries {
            text.push('\n');
            if spaced {
                text.push('\n');
            }
            text.push_str(style.yaml_pair(k, v, indent).trim_end_matches('\n'));
        }
        Some(Edit {
            span: Span::new(at, at),
            text: style.lines(&text),
        })
    }

    /// `key: value` in flow YAML or JSON; `pad` set for pretty JSON.
    fn flow_pair(&self, key: &str, value: &Snippet, pad: Option<&str>) -> String {
        if self.style.json {
            let mut k = String::new();
            crate::diagnostic::emit::json_string(key, &mut k);
            match pad {
                Some(pad) => format!("{k}: {}", self.style.json_pretty(value, pad)),
                None => format!("{k}: {}", self.style.json_compact(value)),
            }
        } else {
            format!(
                "{}: {}",
                self.style.scalar(key, false, true),
                self.style.yaml_flow(value)
            )
        }
    }

    /// Sets `path` (keys below `map`) to `value`: walks the keys that are there and adds
    /// the rest as nested mappings. A key already holding a value other than a mapping
    /// (or null in block YAML) is left alone: `None`.
    pub fn ensure(&self, map: &Node, path: &[&str], value: Snippet) -> Option<Edit> {
        let (first, rest) = path.split_first()?;
        match map.entry(first) {
            Some(entry) if rest.is_empty() => None.filter(|_: &Edit| entry.value.is_null()),
            Some(entry) => match &entry.value.kind {
                NodeKind::Map(_) => self.ensure(&entry.value, rest, value),
                NodeKind::Null if !self.style.json => {
                    // `Key:` with nothing after it: the value goes on the lines below.
                    let after = self
                        .text
                        .get(entry.key_span.end()..self.line_end(entry.key_span.end()))?;
                    let after = after.trim_start_matches(['"', '\'']).trim_start();
                    if !(after == ":" || after.starts_with(": #") || after.starts_with(":\t#")) {
                        return None;
                    }
                    let indent = self.column(entry.key_span.start()) + self.style.width();
                    let at = self.line_end(entry.key_span.end());
                    let text = format!(
                        "\n{}",
                        self.style
                            .yaml_block(&nest(rest, value), indent)
                            .trim_end_matches('\n')
                    );
                    Some(Edit {
                        span: Span::new(at, at),
                        text: self.style.lines(&text),
                    })
                }
                _ => None,
            },
            None => self.insert_entries(map, &[(first, nest(rest, value))]),
        }
    }

    /// Replaces a scalar (or any one-line value) by `value`, written inline.
    pub fn replace(&self, node: &Node, value: &Snippet) -> Option<Edit> {
        let text = self.text.get(node.span.start()..node.span.end())?;
        if text.contains('\n') || text.starts_with(['|', '>', '&', '*']) {
            return None;
        }
        Some(Edit {
            span: node.span,
            text: self.style.inline(value),
        })
    }

    /// Removes the entry `key` of `map`. `None` when it is the only entry (the mapping
    /// would be left empty: remove its parent instead) or not on lines of its own.
    pub fn remove_entry(&self, map: &Node, key: &str) -> Option<Edit> {
        let entries = map.as_map()?;
        if entries.len() < 2 || map.as_intrinsic().is_some() {
            return None;
        }
        let index = entries.iter().position(|e| e.key == key)?;
        let entry = entries.get(index)?;
        let key_start = self.key_start(entry.key_span.start());
        if self.style.json || self.is_flow(map) {
            let ends: Vec<(usize, usize)> = entries
                .iter()
                .map(|e| {
                    (
                        self.key_start(e.key_span.start()),
                        self.content_end(&e.value),
                    )
                })
                .collect();
            return self.remove_listed(&ends, index);
        }
        if !self.starts_line(key_start) {
            return None;
        }
        let end = self.block_end(entry.key_span.start(), &entry.value);
        Some(Edit {
            span: Span::new(self.line_start(key_start), end),
            text: String::new(),
        })
    }

    /// Removes item `index` of the list `seq`. `None` when it is the only item.
    pub fn remove_item(&self, seq: &Node, index: usize) -> Option<Edit> {
        let items = seq.as_seq()?;
        if items.len() < 2 {
            return None;
        }
        let item = items.get(index)?;
        if self.style.json || self.is_flow(seq) {
            let ends: Vec<(usize, usize)> = items
                .iter()
                .map(|i| (i.span.start(), self.content_end(i)))
                .collect();
            return self.remove_listed(&ends, index);
        }
        // `- item` on lines of its own.
        let before = self.before_on_line(item.span.start()).trim_end();
        if !before.ends_with('-') || !before.trim_start_matches([' ', '\t']).eq("-") {
            return None;
        }
        let end = self.block_end(item.span.start(), item);
        Some(Edit {
            span: Span::new(self.line_start(item.span.start()), end),
            text: String::new(),
        })
    }

    /// Where a block entry or item that starts at `start` ends: past the line break of
    /// its last line, and of the lines below it that are indented deeper (its comments).
    fn block_end(&self, start: usize, value: &Node) -> usize {
        let column = self.column(start);
        let mut end = self.next_line(self.content_end(value).max(start));
        let mut steps = 0usize;
        while end < self.text.len() && steps < self.text.len() {
            steps += 1;
            let line = self.text.get(end..self.next_line(end)).unwrap_or("");
            let trimmed = line.trim_start_matches([' ', '\t']);
            let deeper = line.len() - trimmed.len() > column;
            if trimmed.starts_with('#') && deeper {
                end = self.next_line(end);
            } else {
                break;
            }
        }
        end
    }

    /// The start of a key, with its quote (JSON and quoted YAML keys).
    fn key_start(&self, at: usize) -> usize {
        match at.checked_sub(1).and_then(|b| self.byte(b)) {
            Some(b'"' | b'\'') if !matches!(self.byte(at), Some(b'"' | b'\'')) => at - 1,
            _ => at,
        }
    }

    /// Removes element `index` of a flow collection or JSON container whose elements
    /// span `ends` (start, end), with one comma.
    fn remove_listed(&self, ends: &[(usize, usize)], index: usize) -> Option<Edit> {
        let (start, end) = *ends.get(index)?;
        let span = if index > 0 {
            let (_, previous_end) = *ends.get(index - 1)?;
            Span::new(previous_end, end)
        } else {
            let (next_start, _) = *ends.get(1)?;
            Span::new(start, next_start)
        };
        let removed = self.text.get(span.start()..span.end())?;
        // Only the element, a comma and blanks (no comment would go with it).
        if removed.contains("//") || removed.contains('#') && !self.style.json {
            return None;
        }
        Some(Edit {
            span,
            text: String::new(),
        })
    }

    /// Adds `value` at the end of the list `seq`.
    pub fn append_item(&self, seq: &Node, value: &Snippet) -> Option<Edit> {
        let items = seq.as_seq()?;
        if self.style.json || self.is_flow(seq) {
            if !matches!(self.byte(seq.span.start()), Some(b'[')) {
                return None;
            }
            let Some(last) = items.last() else {
                let close = seq.span.end().checked_sub(1)?;
                if self.byte(close) != Some(b']') {
                    return None;
                }
                return Some(Edit {
                    span: Span::new(seq.span.start() + 1, close),
                    text: self.style.inline(value),
                });
            };
            let at = self.content_end(last);
            let text = if self.style.json && !self.one_line(seq) {
                let pad = self.line_indent(last.span.start());
                format!(",\n{pad}{}", self.style.json_pretty(value, &pad))
            } else {
                format!(", {}", self.style.inline(value))
            };
            return Some(Edit {
                span: Span::new(at, at),
                text: self.style.lines(&text),
            });
        }
        let last = items.last()?;
        let before = self.before_on_line(last.span.start());
        let dash = before.rfind('-')?;
        if !before.get(..dash)?.bytes().all(|b| b == b' ') {
            return None;
        }
        let at = self.line_end(self.content_end(last));
        let item = self
            .style
            .yaml_block(&Snippet::Seq(vec![value.clone()]), dash);
        let text = format!("\n{}", item.trim_end_matches('\n'));
        Some(Edit {
            span: Span::new(at, at),
            text: self.style.lines(&text),
        })
    }
}

/// `value` under the keys `path`: `{a: {b: value}}`.
pub fn nest(path: &[&str], value: Snippet) -> Snippet {
    path.iter()
        .rev()
        .fold(value, |inner, key| Snippet::map([(*key, inner)]))
}

/// Applies non-overlapping `edits` to `text`; `None` when two overlap (or a span is
/// outside the text or inside a character).
pub fn apply(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start(), e.span.end()));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for edit in sorted {
        if edit.span.start() < at || edit.span.end() < edit.span.start() {
            return None;
        }
        out.push_str(text.get(at..edit.span.start())?);
        out.push_str(&edit.text);
        at = edit.span.end();
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, edit: impl Fn(&Editor<'_>, &Node) -> Option<Edit>) -> String {
        let json = crate::syntax::detect_syntax(text) == crate::syntax::Syntax::Json;
        let root = crate::syntax::parse(text).expect("parses");
        let editor = Editor::new(text, json);
        let edit = edit(&editor, &root).expect("an edit");
        let out = apply(text, &[&edit]).expect("applies");
        crate::syntax::parse(&out).unwrap_or_else(|e| panic!("{}:\n{out}", e.message));
        out
    }

    fn props(root: &Node) -> &Node {
        root.get("R").and_then(|r| r.get("P")).expect("R.P")
    }

    #[test]
    fn entries_go_in_block_flow_and_json_style() {
        let block = "R:\n    P:\n        A: 1 # one\n        B: x\n# end\n";
        let out = run(block, |e, root| {
            e.ensure(props(root), &["M", "T"], Snippet::str("required"))
        });
        assert_eq!(out, "R:\n    P:\n        A: 1 # one\n        B: x\n        M:\n            T: required\n# end\n");
        let flow = "R:\n  P: {A: 1}\n";
        let out = run(flow, |e, root| {
            e.ensure(props(root), &["M", "T"], Snippet::str("r"))
        });
        assert_eq!(out, "R:\n  P: {A: 1, M: {T: r}}\n");
        let json = "{\r\n  \"R\": {\r\n    \"P\": {\r\n      \"A\": 1\r\n    }\r\n  }\r\n}\r\n";
        let out = run(json, |e, root| {
            e.ensure(props(root), &["M", "T"], Snippet::str("r"))
        });
        assert_eq!(out, "{\r\n  \"R\": {\r\n    \"P\": {\r\n      \"A\": 1,\r\n      \"M\": {\r\n        \"T\": \"r\"\r\n      }\r\n    }\r\n  }\r\n}\r\n");
        let root =
            crate::syntax::parse("R:\n  P:\n    Fn::If: [C, {A: 1}, {A: 2}]\n").expect("parses");
        let editor = Editor::new("R:\n  P:\n    Fn::If: [C, {A: 1}, {A: 2}]\n", false);
        assert!(editor.ensure(props(&root), &["M"], Snippet::Null).is_none());
        let null = "R:\n  P:\n  Q: 1\n";
        let out = run(null, |e, root| {
            e.ensure(root.get("R").expect("R"), &["P", "T"], Snippet::str("r"))
        });
        assert_eq!(out, "R:\n  P:\n    T: r\n  Q: 1\n");
    }

    #[test]
    fn removals_take_lines_or_commas() {
        let block = "R:\n  P:\n    - a\n    - b # two\n    - c\n";
        let out = run(block, |e, root| e.remove_item(props(root), 1));
        assert_eq!(out, "R:\n  P:\n    - a\n    - c\n");
        let block = "R:\n  P:\n    K: 1\n    L:\n      - x\n    M: 2\n";
        let out = run(block, |e, root| e.remove_entry(props(root), "L"));
        assert_eq!(out, "R:\n  P:\n    K: 1\n    M: 2\n");
        let json = "{\"R\": {\"P\": [1, 2, 3]}}";
        assert_eq!(
            run(json, |e, root| e.remove_item(props(root), 0)),
            "{\"R\": {\"P\": [2, 3]}}"
        );
        assert_eq!(
            run(json, |e, root| e.remove_item(props(root), 2)),
            "{\"R\": {\"P\": [1, 2]}}"
        );
        let json = "{\"R\": {\"P\": {\"A\": 1, \"B\": 2}}}";
        assert_eq!(
            run(json, |e, root| e.remove_entry(props(root), "A")),
            "{\"R\": {\"P\": {\"B\": 2}}}"
        );
    }

    #[test]
    fn items_are_appended_in_the_list_s_style() {
        let block = "R:\n  P:\n  - a\n  - b\n";
        let out = run(block, |e, root| {
            e.append_item(props(root), &Snippet::sub("x"))
        });
        assert_eq!(out, "R:\n  P:\n  - a\n  - b\n  - Fn::Sub: x\n");
        let tags = "R:\n  P: [!Ref a]\n";
        let out = run(tags, |e, root| {
            e.append_item(props(root), &Snippet::sub("x"))
        });
        assert_eq!(out, "R:\n  P: [!Ref a, !Sub x]\n");
    }
}

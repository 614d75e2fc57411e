//! YAML → [`Node`] with byte spans, built from saphyr-parser events.
//!
//! The builder is iterative (an explicit stack), so deeply nested input cannot overflow
//! the call stack, and it enforces a nesting limit and an alias-expansion budget so an
//! alias bomb is an error rather than gigabytes of memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan, Tag};

use super::node::{long_form_of_tag, Entry, Node, NodeKind, ParseError};
use crate::base::{CharToByte, Span};

/// Documents nested deeper than this are rejected (CloudFormation templates rarely pass 20).
pub const MAX_DEPTH: usize = 256;
/// Upper bound on nodes created by alias expansion.
const ALIAS_BUDGET: usize = 1_000_000;

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        tag: Option<Tag>,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        flow: bool,
        tag: Option<Tag>,
        anchor: usize,
        entries: Vec<Entry>,
        pending_key: Option<(String, Span)>,
        /// Key → index into `entries`, once a mapping is large enough for a scan of its
        /// entries to cost more than a map (duplicate keys are checked per key).
        key_index: Option<HashMap<String, usize>>,
    },
}

/// Mappings with more entries than this index their keys for the duplicate check.
const SCAN_KEYS_UP_TO: usize = 16;

/// Parses the first YAML document of `text`. An empty or comment-only stream yields `Null`.
///
/// CloudFormation's YAML reader (like PyYAML, which cfn-lint uses) accepts flow content —
/// a multi-line quoted scalar, a `[ ... ]` spread over lines — whose continuation lines
/// are not indented past the key that owns it; YAML 1.2 and saphyr do not. When saphyr
/// stops on such a line, the line is indented one column past its key and the parse is
/// retried; spans are mapped back to the original text.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let first_error = match parse_strict(text) {
        Ok(node) => return Ok(node),
        Err(e) => e,
    };
    let mut repaired = text.to_string();
    let mut insertions: Vec<(usize, usize)> = Vec::new(); // (original offset, spaces added)
    let mut error = first_error.clone();
    for _ in 0..MAX_INDENT_REPAIRS {
        if !error.message.contains("invalid indentation") {
            break;
        }
        let fix = if error.message.contains("quoted scalar") {
            under_indented_continuation(&repaired, error.span.start)
        } else {
            reindent_line(&repaired, error.span.start)
        };
        let Some((line_start, added)) = fix else {
            break;
        };
        let original = to_original(line_start, &insertions);
        repaired.insert_str(line_start, &" ".repeat(added));
        insertions.push((original, added));
        insertions.sort_unstable();
        match parse_strict(&repaired) {
            Ok(mut node) => {
                node.map_spans(&|offset| to_original(offset, &insertions));
                return Ok(node);
            }
            Err(e) => error = e,
        }
    }
    Err(first_error)
}

const MAX_INDENT_REPAIRS: usize = 64;

/// For the line holding `offset`, the byte where it starts and how many spaces bring it
/// one column past the nearest earlier line that is not indented more.
fn reindent_line(text: &str, offset: usize) -> Option<(usize, usize)> {
    let offset = offset.min(text.len());
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let line = text.get(line_start..)?.lines().next().unwrap_or("");
    let indent = indent_of(line);
    let owner_indent = text
        .get(..line_start)?
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(indent_of)
        .find(|&i| i <= indent)?;
    let wanted = owner_indent + 1;
    (wanted > indent).then(|| (line_start, wanted - indent))
}

/// saphyr reports a bad quoted scalar at its start: find the first later line that is not
/// indented past the line the scalar starts on, and the spaces that put it one past.
fn under_indented_continuation(text: &str, offset: usize) -> Option<(usize, usize)> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let first = text.get(start..)?.lines().next()?;
    let owner = indent_of(first);
    let mut pos = start + first.len() + 1;
    for line in text.get(pos.min(text.len())..)?.split_inclusive('\n') {
        if !line.trim().is_empty() && indent_of(line) <= owner {
            return Some((pos, owner + 1 - indent_of(line)));
        }
        pos += line.len();
    }
    None
}

/// Maps an offset in the repaired text back to the original text.
fn to_original(repaired: usize, insertions: &[(usize, usize)]) -> usize {
    let mut shift = 0;
    for &(at, added) in insertions {
        if repaired >= at + shift + added {
            shift += added;
        } else if repaired >= at + shift {
            return at; // inside inserted spaces: the line start
        }
    }
    repaired - shift
}

fn parse_strict(text: &str) -> Result<Node, ParseError> {
    let mut builder = Builder {
        text,
        offsets: CharToByte::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        root: None,
    };
    let parser = Parser::new_from_str(text);
    for event in parser {
        let (event, span) = event.map_err(|e| {
            let at = builder.offsets.byte(e.marker().index());
            ParseError::new(
                format!("invalid YAML: {}", e.info()),
                Span::new(at, at),
                e.info().to_string(),
            )
        })?;
        if builder.event(event, span)? {
            break;
        }
    }
    Ok(builder
        .root
        .unwrap_or_else(|| Node::new(NodeKind::Null, Span::new(0, 0))))
}

struct Builder<'t> {
    text: &'t str,
    offsets: CharToByte<'t>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    fn span(&mut self, span: YamlSpan) -> Span {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        Span::new(start, end.max(start))
    }

    /// Handles one event; returns true when the first document is complete.
    fn event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<bool, ParseError> {
        let span = self.span(span);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| t.into_owned());
                let node = self.scalar(&value, style, tag, span)?;
                self.remember(anchor, &node);
                self.push(node)
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Seq {
                    start: span.start,
                    flow: self.starts_flow(span.start, b'['),
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    items: Vec::new(),
                });
                Ok(false)
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Map {
                    start: span.start,
                    flow: self.starts_flow(span.start, b'{'),
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                    key_index: None,
                });
                Ok(false)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(false);
                };
                let node = self.close(frame, span)?;
                self.push(node)
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| {
                    ParseError::new("alias to an unknown anchor", span, "unknown anchor")
                })?;
                self.alias_nodes += count_nodes(&node);
                if self.alias_nodes > ALIAS_BUDGET {
                    return Err(ParseError::new(
                        format!("aliases expand to more than {ALIAS_BUDGET} nodes (alias bomb?)"),
                        span,
                        "this alias exceeds the expansion budget",
                    ));
                }
                // The copy points at the alias, so findings inside it land where it is used.
                self.push(Node::new(node.kind, span))
            }
            Event::DocumentEnd => Ok(self.root.is_some()),
            _ => Ok(false),
        }
    }

    fn starts_flow(&self, start: usize, open: u8) -> bool {
        // The start event's span may begin at a tag or anchor; skip those to the bracket.
        let rest = self.text.as_bytes().get(start..).unwrap_or(&[]);
        let mut i = 0;
        while let Some(&b) = rest.get(i) {
            match b {
                b'!' | b'&' => {
                    while rest
                        .get(i)
                        .is_some_and(|c| !c.is_ascii_whitespace() && *c != open)
                    {
                        i += 1;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                _ => return b == open,
            }
        }
        false
    }

    fn check_depth(&self, span: Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError::new(
                format!("document nested deeper than {MAX_DEPTH} levels"),
                span,
                "nesting limit reached here",
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn close(&mut self, frame: Frame, end_span: Span) -> Result<Node, ParseError> {
        let (start, flow, tag, anchor, kind, last_end) = match frame {
            Frame::Seq {
                start,
                flow,
                tag,
                anchor,
                mut items,
            } => {
                let last = items.last().map(|n| n.span.end);
                // The tree lives as long as the lint: no spare capacity.
                items.shrink_to_fit();
                (start, flow, tag, anchor, NodeKind::Seq(items), last)
            }
            Frame::Map {
                start,
                flow,
                tag,
                anchor,
                mut entries,
                ..
            } => {
                let last = entries.last().map(|e| e.value.span.end.max(e.key_span.end));
                entries.shrink_to_fit();
                (start, flow, tag, anchor, NodeKind::Map(entries), last)
            }
        };
        // Block collections end where their last item ends, not at the next token.
        let end = if flow {
            end_span.end
        } else {
            last_end.unwrap_or(end_span.start)
        };
        let span = Span::new(start, end.max(start));
        let node = apply_tag(Node::new(kind, span), tag)?;
        self.remember(anchor, &node);
        Ok(node)
    }

    fn scalar(
        &self,
        value: &str,
        style: ScalarStyle,
        tag: Option<Tag>,
        span: Span,
    ) -> Result<Node, ParseError> {
        let kind = if style == ScalarStyle::Plain && tag.is_none() {
            resolve_plain(value)
        } else {
            NodeKind::String(value.into())
        };
        apply_tag(Node::new(kind, span), tag)
    }

    /// Adds a finished node to its parent; returns true when it completes the document.
    fn push(&mut self, node: Node) -> Result<bool, ParseError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(true)
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(false)
            }
            Some(Frame::Map {
                entries,
                pending_key,
                key_index,
                ..
            }) => {
                match pending_key.take() {
                    None => {
                        let key = match &node.kind {
                            NodeKind::String(s) | NodeKind::Number(s) => s.to_string(),
                            NodeKind::Bool(b) => b.to_string(),
                            NodeKind::Null => String::new(),
                            _ => {
                                return Err(ParseError::new(
                                    "mapping keys must be scalars",
                                    node.span,
                                    format!("a {} used as a key", node.type_name()),
                                ))
                            }
                        };
                        if entries.len() >= SCAN_KEYS_UP_TO && key_index.is_none() {
                            *key_index = Some(
                                entries
                                    .iter()
                                    .enumerate()
                                    .map(|(i, e)| (e.key.to_string(), i))
                                    .rev()
                                    .collect(),
                            );
                        }
                        let first = match key_index {
                            Some(index) => index.get(&key).copied(),
                            None => entries.iter().position(|e| e.key == key),
                        };
                        if let Some(first) = first.and_then(|i| entries.get(i)) {
                            let mut err = ParseError::new(
                                format!("duplicate mapping key `{key}`"),
                                node.span,
                                "duplicate key",
                            );
                            err.related
                                .push((first.key_span, "first defined here".to_string()));
                            return Err(err);
                        }
                        if let Some(index) = key_index {
                            index.insert(key.clone(), entries.len());
                        }
                        *pending_key = Some((key, node.span));
                    }
                    Some((key, key_span)) => entries.push(Entry {
                        key: key.into(),
                        key_span,
                        value: node,
                    }),
                }
                Ok(false)
            }
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    let mut count = 0;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.kind {
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
            NodeKind::Opaque { value, .. } => todo.push(value),
            _ => {}
        }
    }
    count
}

/// Plain-scalar resolution: null, booleans and numbers; everything else is a string,
/// so `2010-09-09` and `2012-10-17` stay strings.
fn resolve_plain(value: &str) -> NodeKind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        _ if looks_numeric(value) => NodeKind::Number(value.into()),
        _ => NodeKind::String(value.into()),
    }
}

fn looks_numeric(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() {
        return false;
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    matches!(digits, ".inf" | ".Inf" | ".INF")
        || value.parse::<f64>().is_ok() && !digits.contains(['i', 'I', 'n', 'N'])
}

/// Turns a tagged node into its CloudFormation long form, or an opaque node.
fn apply_tag(node: Node, tag: Option<Tag>) -> Result<Node, ParseError> {
    let Some(tag) = tag else { return Ok(node) };
    if tag.handle == "tag:yaml.org,2002:" {
        // Core-schema tags (`!!str 22`) only change how a scalar is read.
        return Ok(match (tag.suffix.as_str(), node.kind) {
            ("str", NodeKind::Number(s) | NodeKind::String(s)) => {
                Node::new(NodeKind::String(s), node.span)
            }
            (_, kind) => Node::new(kind, node.span),
        });
    }
    let name = tag.suffix.as_str();
    if (tag.handle == "!" && name.is_empty()) || (tag.handle.is_empty() && name == "!") {
        // The non-specific tag `! "Ref"` only marks the scalar as a plain string.
        return Ok(node);
    }
    if tag.handle == "!" {
        if let Some(long) = long_form_of_tag(name) {
            let span = node.span;
            return Ok(Node::new(
                NodeKind::Map(vec![Entry {
                    key: long.into(),
                    key_span: span,
                    value: node,
                }]),
                span,
            ));
        }
        if !name.contains("::") {
            let hint = suggest_tag(name)
                .map(|s| format!(" (did you mean `!{s}`?)"))
                .unwrap_or_default();
            return Err(ParseError::new(
                format!("unknown tag `!{name}`{hint}"),
                node.span,
                "CloudFormation does not define this tag",
            ));
        }
    }
    // Namespaced tags of preprocessors (`!Rain::Module`) are kept but evaluate to unknown.
    let span = node.span;
    Ok(Node::new(
        NodeKind::Opaque {
            tag: format!("{}{}", tag.handle, tag.suffix).into(),
            value: Box::new(node),
        },
        span,
    ))
}

fn suggest_tag(name: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "Ref",
        "Condition",
        "GetAtt",
        "Sub",
        "Join",
        "If",
        "FindInMap",
        "Select",
        "Split",
        "ImportValue",
        "Base64",
        "GetAZs",
        "Cidr",
        "Equals",
        "And",
        "Or",
        "Not",
        "Transform",
    ];
    crate::base::text::closest(name, KNOWN.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> NodeKind {
        parse(text).map(|n| n.kind).unwrap_or(NodeKind::Null)
    }

    #[test]
    fn short_and_long_forms_give_the_same_model() {
        let short = parse("A: !GetAtt Profile.Arn\nB: !Sub [x, {}]\n").map(strip);
        let long = parse("A: {Fn::GetAtt: Profile.Arn}\nB: {Fn::Sub: [x, {}]}\n").map(strip);
        assert_eq!(short, long);
    }

    fn strip(mut n: Node) -> Node {
        n.span = Span::default();
        match &mut n.kind {
            NodeKind::Seq(items) => {
                for i in items.iter_mut() {
                    *i = strip(i.clone());
                }
            }
            NodeKind::Map(entries) => {
                for e in entries.iter_mut() {
                    e.key_span = Span::default();
                    e.value = strip(e.value.clone());
                }
            }
            _ => {}
        }
        n
    }

    #[test]
    fn dates_and_versions_stay_strings() {
        let n = parse("AWSTemplateFormatVersion: 2010-09-09\nPort: 22\nOn: true\n")
            .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(
            n.get("AWSTemplateFormatVersion").and_then(Node::as_str),
            Some("2010-09-09")
        );
        assert_eq!(
            n.get("Port").map(|p| &p.kind),
            Some(&NodeKind::Number("22".into()))
        );
        assert_eq!(n.get("On").map(|p| &p.kind), Some(&NodeKind::Bool(true)));
    }

    #[test]
    fn duplicate_keys_show_both_places() {
        let err = parse("a: 1\nb: 2\na: 3\n").err();
        let err = err.unwrap_or_else(|| panic!("duplicate accepted"));
        assert!(err.message.contains("duplicate mapping key `a`"));
        assert_eq!(err.span.start, 10);
        assert_eq!(err.related.first().map(|r| r.0.start), Some(0));
    }

    #[test]
    fn unknown_tags_are_errors_but_namespaced_tags_are_opaque() {
        let err = parse("a: !Reff X\n").err().map(|e| e.message);
        assert_eq!(
            err.as_deref(),
            Some("unknown tag `!Reff` (did you mean `!Ref`?)")
        );
        assert!(matches!(kind("!Rain::Module x"), NodeKind::Opaque { .. }));
    }

    #[test]
    fn non_specific_tag_is_a_plain_string() {
        let n = parse("a: [! \"Ref\": \"AWS::AccountId\"]\n");
        assert!(n.is_ok(), "{:?}", n.err());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse(&text).err().map(|e| e.message).unwrap_or_default();
        assert!(err.contains("alias"), "{err}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
        let text = "a:\n".to_string()
            + &(1..400)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect::<String>();
        assert!(parse(&text).is_err());
    }

    #[test]
    fn under_indented_flow_content_is_accepted_with_original_spans() {
        let text = "Outputs:\n  X:\n    Value: 'first\n    second'\n    Cmd: [\n      \"a\"\n    ]\n  Y: 1\n";
        let n = parse(text).unwrap_or_else(|e| panic!("{}", e.message));
        let y = n
            .get("Outputs")
            .and_then(|o| o.entry("Y"))
            .map(|e| e.key_span.start);
        assert_eq!(y, text.find("Y:"));
        let value = n
            .get("Outputs")
            .and_then(|o| o.get("X"))
            .and_then(|x| x.get("Value"));
        assert_eq!(value.and_then(Node::as_str), Some("first second"));
    }

    #[test]
    fn spans_are_bytes_not_characters() {
        let text = "d: \"héllo\"\nk: v\n";
        let n = parse(text).unwrap_or_else(|e| panic!("{}", e.message));
        let k = n.entry("k").map(|e| e.key_span.start);
        assert_eq!(k, text.find("k:"));
    }
}

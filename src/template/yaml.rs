//! YAML → [`Node`] with byte spans, built from saphyr-parser events.
//!
//! The builder is iterative (an explicit stack), so deeply nested input cannot overflow
//! the call stack, and it enforces a nesting limit and an alias-expansion budget so an
//! alias bomb is an error rather than gigabytes of memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan, Tag};

use super::node::{long_form_of_tag, Entry, Node, NodeKind, ParseError};
use crate::source::{CharToByte, Span};

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
        first_key_at: HashMap<String, Span>,
    },
}

/// Parses the first YAML document of `text`. An empty or comment-only stream yields `Null`.
pub fn parse(text: &str) -> Result<Node, ParseError> {
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
                    first_key_at: HashMap::new(),
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
                    while rest.get(i).is_some_and(|c| !c.is_ascii_whitespace() && *c != open) {
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
                items,
            } => {
                let last = items.last().map(|n| n.span.end);
                (start, flow, tag, anchor, NodeKind::Seq(items), last)
            }
            Frame::Map {
                start,
                flow,
                tag,
                anchor,
                entries,
                ..
            } => {
                let last = entries.last().map(|e| e.value.span.end.max(e.key_span.end));
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
            NodeKind::String(value.to_string())
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
                first_key_at,
                ..
            }) => {
                match pending_key.take() {
                    None => {
                        let key = match &node.kind {
                            NodeKind::String(s) | NodeKind::Number(s) => s.clone(),
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
                        if let Some(first) = first_key_at.get(&key) {
                            let mut err = ParseError::new(
                                format!("duplicate mapping key `{key}`"),
                                node.span,
                                "duplicate key",
                            );
                            err.related.push((*first, "first defined here".to_string()));
                            return Err(err);
                        }
                        first_key_at.insert(key.clone(), node.span);
                        *pending_key = Some((key, node.span));
                    }
                    Some((key, key_span)) => entries.push(Entry {
                        key,
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
        _ if looks_numeric(value) => NodeKind::Number(value.to_string()),
        _ => NodeKind::String(value.to_string()),
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
    matches!(digits, ".inf" | ".Inf" | ".INF") || value.parse::<f64>().is_ok() && !digits.contains(['i', 'I', 'n', 'N'])
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
    if tag.handle == "!" {
        if let Some(long) = long_form_of_tag(name) {
            let span = node.span;
            return Ok(Node::new(
                NodeKind::Map(vec![Entry {
                    key: long.to_string(),
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
            tag: format!("{}{}", tag.handle, tag.suffix),
            value: Box::new(node),
        },
        span,
    ))
}

fn suggest_tag(name: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "Ref", "Condition", "GetAtt", "Sub", "Join", "If", "FindInMap", "Select", "Split",
        "ImportValue", "Base64", "GetAZs", "Cidr", "Equals", "And", "Or", "Not", "Transform",
    ];
    crate::text::closest(name, KNOWN.iter().copied())
}

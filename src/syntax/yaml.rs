//! YAML → [`Node`] with byte spans, built from saphyr-parser events.
//!
//! The builder is iterative (an explicit stack), so deeply nested input cannot overflow
//! the call stack, and it enforces a nesting limit and an alias-expansion budget so an
//! alias bomb is an error rather than gigabytes of memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan, Tag};

use super::node::{
    long_form_of_tag, Entry, Interner, Items, Node, NodeKind, ParseError, Tagged, Text,
};
use crate::base::{CharToByte, Span};

/// Documents nested deeper than this are rejected (CloudFormation templates rarely pass 20).
/// Aliases count: an alias of a node nested N deep adds N levels where it is used.
pub const MAX_DEPTH: usize = 256;
/// Upper bound on the nodes created by alias expansion in one document.
pub const ALIAS_NODE_BUDGET: usize = 100_000;
/// Upper bound on the text (keys and scalars, in bytes) created by alias expansion in one
/// document: a long string aliased many times is an alias bomb too.
pub const ALIAS_TEXT_BUDGET: usize = 4 * 1024 * 1024;

/// The size of a node: how many nodes, how much text, how deep.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    nodes: usize,
    text: usize,
    height: usize,
}

impl Measure {
    fn scalar(text: usize) -> Measure {
        Measure {
            nodes: 1,
            text,
            height: 1,
        }
    }

    /// Adds a child to a collection's measure.
    fn add(&mut self, child: Measure) {
        self.nodes += child.nodes;
        self.text += child.text;
        self.height = self.height.max(child.height);
    }

    /// The measure of a collection whose children add up to `self`.
    fn closed(self) -> Measure {
        Measure {
            nodes: self.nodes + 1,
            text: self.text,
            height: self.height + 1,
        }
    }
}

/// A collection being built: where it starts, and what is known of it so far.
struct Frame {
    start: usize,
    flow: bool,
    tag: Option<Tag>,
    anchor: usize,
    /// Where its items begin in [`Builder::items`], or its entries in
    /// [`Builder::entries`].
    first: usize,
    measure: Measure,
    open: Open,
}

enum Open {
    Seq,
    Map {
        pending_key: Option<(Text, Span)>,
        /// Key → index into `entries`, once a mapping is large enough for a scan of its
        /// entries to cost more than a map (duplicate keys are checked per key).
        key_index: Option<HashMap<Text, usize>>,
    },
}

/// Mappings with more entries than this index their keys for the duplicate check.
const SCAN_KEYS_UP_TO: usize = 16;

/// A parsed YAML stream: its first document, and what follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub root: Node,
    /// A problem after the first document: another document (a template is one
    /// document), or a syntax error in it.
    pub trailing: Option<ParseError>,
}

/// Parses a YAML text that holds one document. An empty or comment-only stream yields
/// `Null`; a second document is an error.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let stream = parse_stream(text)?;
    match stream.trailing {
        Some(err) => Err(err),
        None => Ok(stream.root),
    }
}

/// Parses the first YAML document of `text`, and tells what follows it.
///
/// CloudFormation's YAML reader (like PyYAML, which cfn-lint uses) accepts flow content —
/// a multi-line quoted scalar, a `[ ... ]` spread over lines — whose continuation lines
/// are not indented past the key that owns it; YAML 1.2 and saphyr do not. When saphyr
/// stops on such a line, every such line of the file is indented one column past the
/// line its construct starts on, in one pass, and the text is parsed once more; spans are
/// mapped back to the original text. The repair is kept only when every line it moved is
/// inside a flow collection or a quoted scalar of the result (where indentation means
/// nothing), so it cannot change the structure of a document.
#[allow(
    clippy::indexing_slicing,
    reason = "`furthest` has one slot per moved line, `before` counts them"
)]
pub fn parse_stream(text: &str) -> Result<Stream, ParseError> {
    let first_error = match parse_strict(text, false) {
        Ok((stream, _)) => return Ok(stream),
        Err(e) => e,
    };
    if !first_error.message.contains("invalid indentation") {
        return Err(first_error);
    }
    let insertions = under_indented_lines(text);
    if insertions.is_empty() {
        return Err(first_error);
    }
    let mut repaired = String::with_capacity(text.len() + insertions.len() * 4);
    let mut copied = 0;
    // (original offset, spaces added), and where each moved line's content now starts.
    let mut shifts: Vec<(usize, usize)> = Vec::with_capacity(insertions.len());
    let mut moved: Vec<usize> = Vec::with_capacity(insertions.len());
    for &(line_start, indent, added) in &insertions {
        repaired.push_str(text.get(copied..line_start).unwrap_or_default());
        repaired.extend(std::iter::repeat_n(' ', added));
        copied = line_start;
        moved.push(repaired.len() + indent);
        shifts.push((line_start, added));
    }
    repaired.push_str(text.get(copied..).unwrap_or_default());
    let Ok((mut stream, flow_spans)) = parse_strict(&repaired, true) else {
        return Err(first_error);
    };
    // The furthest end of the spans up to each one: `at` is inside one of them that
    // starts before it when the furthest end of those passes it.
    let mut furthest = Vec::with_capacity(flow_spans.len());
    let mut end = 0;
    for span in &flow_spans {
        end = end.max(span.end());
        furthest.push(end);
    }
    let inside = |at: usize| {
        let before = flow_spans.partition_point(|s| s.start() < at);
        before > 0 && furthest[before - 1] > at
    };
    if !moved.iter().all(|&at| inside(at)) {
        return Err(first_error);
    }
    let shifts = Shifts::new(&shifts);
    stream.root.map_spans(&|offset| shifts.to_original(offset));
    if let Some(trailing) = &mut stream.trailing {
        trailing.span = Span::new(
            shifts.to_original(trailing.span.start()),
            shifts.to_original(trailing.span.end()),
        );
    }
    Ok(stream)
}

/// The lines inside a flow collection or a quoted scalar begun on an earlier line that are
/// indented no more than the line it began on (past its `- ` markers): for each, the byte
/// where the line starts, its indentation and the spaces that put it one column past. One
/// pass over the text, skipping comments and block scalars.
#[allow(
    clippy::indexing_slicing,
    reason = "byte offsets tested against the length before use"
)]
fn under_indented_lines(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut flow_depth = 0usize;
    let mut quote: Option<u8> = None;
    // The column the open construct's lines must pass.
    let mut owner = 0usize;
    // Inside a block scalar whose header line is indented this much.
    let mut block_scalar: Option<usize> = None;
    let mut line_start = 0usize;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = line.trim().is_empty();
        if let Some(parent) = block_scalar {
            if blank || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        let open = flow_depth > 0 || quote.is_some();
        if open && !blank && indent <= owner {
            out.push((start, indent, owner + 1 - indent));
        }
        if !open && (line.starts_with("---") || line.starts_with("...")) {
            continue;
        }
        // The column of the line's content, past `- ` and `? ` markers.
        let mut column = indent;
        if !open {
            while let Some(rest) = bytes.get(column..) {
                match rest {
                    [b'-' | b'?', b' ', ..] => {
                        column += 2;
                        while bytes.get(column) == Some(&b' ') {
                            column += 1;
                        }
                    }
                    _ => break,
                }
            }
        }
        let mut token_start = !open || flow_depth > 0;
        let mut i = if open { indent } else { column };
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = quote {
                match b {
                    b'\\' if q == b'"' => i += 1,
                    b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
                    _ if b == q => {
                        quote = None;
                        token_start = false;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            let after_space = i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
            match b {
                b'#' if after_space => break,
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'"' | b'\'' if token_start => {
                    if flow_depth == 0 {
                        owner = column;
                    }
                    quote = Some(b);
                }
                b'[' | b'{' if token_start || flow_depth > 0 => {
                    if flow_depth == 0 {
                        owner = column;
                    }
                    flow_depth += 1;
                    token_start = true;
                }
                b']' | b'}' if flow_depth > 0 => {
                    flow_depth -= 1;
                    token_start = false;
                }
                b',' if flow_depth > 0 => token_start = true,
                b':' if flow_depth > 0
                    || matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n')) =>
                {
                    token_start = true;
                }
                b'!' | b'&' if token_start => {
                    // A tag or an anchor: the value follows it.
                    while i + 1 < bytes.len() && !matches!(bytes[i + 1], b' ' | b'\t' | b'\n') {
                        if flow_depth > 0 && matches!(bytes[i + 1], b',' | b']' | b'}') {
                            break;
                        }
                        i += 1;
                    }
                }
                b'|' | b'>' if token_start && flow_depth == 0 => {
                    block_scalar = Some(indent);
                    break;
                }
                _ => token_start = false,
            }
            i += 1;
        }
    }
    out
}

/// Spaces inserted into a text, and the way back from an offset of the result.
struct Shifts {
    /// (original offset, spaces added there, where they start in the result), sorted.
    inserted: Vec<(usize, usize, usize)>,
}

impl Shifts {
    fn new(insertions: &[(usize, usize)]) -> Shifts {
        let mut total = 0;
        let inserted = insertions
            .iter()
            .map(|&(at, added)| {
                let entry = (at, added, at + total);
                total += added;
                entry
            })
            .collect();
        Shifts { inserted }
    }

    /// An offset of the result in the original text (inside inserted spaces: the line
    /// start where they were inserted).
    fn to_original(&self, repaired: usize) -> usize {
        let index = self
            .inserted
            .partition_point(|&(_, _, from)| from <= repaired);
        let Some(&(at, added, from)) = index.checked_sub(1).and_then(|i| self.inserted.get(i))
        else {
            return repaired;
        };
        if repaired < from + added {
            at
        } else {
            at + (repaired - from - added)
        }
    }
}

/// Parses the first document and what follows it; with `spans`, also returns the spans
/// of the flow collections and quoted scalars (sorted by start).
fn parse_strict(text: &str, spans: bool) -> Result<(Stream, Vec<Span>), ParseError> {
    let mut builder = Builder {
        text,
        offsets: CharToByte::new(text),
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        alias_text: 0,
        root: None,
        flow_spans: spans.then(Vec::new),
        interner: Interner::default(),
    };
    let mut trailing = None;
    let parser = Parser::new_from_str(text);
    for event in parser {
        let done = builder.root.is_some();
        let (event, span) = match event {
            Ok(ok) => ok,
            Err(e) => {
                let at = builder.offsets.byte(e.marker().index());
                let err = ParseError::new(
                    format!("invalid YAML: {}", e.info()),
                    Span::new(at, at),
                    e.info().to_string(),
                );
                if done {
                    // In what follows the first document: that one is still linted.
                    trailing = Some(err);
                    break;
                }
                return Err(err);
            }
        };
        if done {
            match event {
                Event::DocumentStart(..) => {
                    let span = builder.span(span);
                    let at = Span::new(
                        span.start(),
                        span.start() + 3.min(text.len() - span.start()),
                    );
                    trailing = Some(ParseError::new(
                        "a second YAML document: a template is one document",
                        at,
                        "another document starts here",
                    ));
                    break;
                }
                Event::StreamEnd => break,
                _ => continue,
            }
        }
        builder.event(event, span)?;
    }
    let mut flow_spans = builder.flow_spans.take().unwrap_or_default();
    flow_spans.sort_unstable();
    let root = builder
        .root
        .unwrap_or_else(|| Node::new(NodeKind::Null, Span::new(0, 0)));
    Ok((Stream { root, trailing }, flow_spans))
}

struct Builder<'t> {
    text: &'t str,
    offsets: CharToByte<'t>,
    stack: Vec<Frame>,
    /// The items of every open sequence, innermost last: a closed sequence takes its own
    /// off the end, in one allocation of exactly their number (no growth, no spare
    /// capacity in the tree).
    items: Vec<Node>,
    /// The entries of every open mapping, the same way.
    entries: Vec<Entry>,
    anchors: HashMap<usize, (Node, Measure)>,
    alias_nodes: usize,
    alias_text: usize,
    root: Option<Node>,
    /// When recorded: the spans of flow collections and quoted scalars.
    flow_spans: Option<Vec<Span>>,
    interner: Interner,
}

impl Builder<'_> {
    fn span(&mut self, span: YamlSpan) -> Span {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        Span::new(start, end.max(start))
    }

    /// Handles one event of the first document.
    fn event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<(), ParseError> {
        let span = self.span(span);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                    if let Some(spans) = &mut self.flow_spans {
                        spans.push(span);
                    }
                }
                let tag = tag.map(|t| t.into_owned());
                let measure = Measure::scalar(value.len());
                let node = self.scalar(&value, style, tag, span)?;
                self.remember(anchor, &node, measure);
                self.push(node, measure)
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(span, 1)?;
                self.stack.push(Frame {
                    start: span.start(),
                    flow: self.starts_flow(span.start(), b'['),
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    first: self.items.len(),
                    measure: Measure::default(),
                    open: Open::Seq,
                });
                Ok(())
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(span, 1)?;
                self.stack.push(Frame {
                    start: span.start(),
                    flow: self.starts_flow(span.start(), b'{'),
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    first: self.entries.len(),
                    measure: Measure::default(),
                    open: Open::Map {
                        pending_key: None,
                        key_index: None,
                    },
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, measure) = self.close(frame, span)?;
                self.push(node, measure)
            }
            Event::Alias(id) => {
                let (node, measure) = self.anchors.get(&id).cloned().ok_or_else(|| {
                    ParseError::new("alias to an unknown anchor", span, "unknown anchor")
                })?;
                // What the alias stands for is nested where it is used.
                self.check_depth(span, measure.height)?;
                self.alias_nodes += measure.nodes;
                self.alias_text += measure.text;
                if self.alias_nodes > ALIAS_NODE_BUDGET || self.alias_text > ALIAS_TEXT_BUDGET {
                    return Err(ParseError::new(
                        format!(
                            "aliases expand to more than {ALIAS_NODE_BUDGET} nodes or {} MiB \
                             of text (alias bomb?)",
                            ALIAS_TEXT_BUDGET / (1024 * 1024)
                        ),
                        span,
                        "this alias exceeds the expansion budget",
                    ));
                }
                // The copy points at the alias, so findings inside it land where it is used.
                self.push(Node::new(node.kind, span), measure)
            }
            _ => Ok(()),
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

    /// A node `height` levels deep may not be added where the stack is now.
    fn check_depth(&self, span: Span, height: usize) -> Result<(), ParseError> {
        if self.stack.len() + height > MAX_DEPTH {
            return Err(ParseError::new(
                format!("document nested deeper than {MAX_DEPTH} levels"),
                span,
                "nesting limit reached here",
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node, measure: Measure) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), measure));
        }
    }

    fn close(&mut self, frame: Frame, end_span: Span) -> Result<(Node, Measure), ParseError> {
        let Frame {
            start,
            flow,
            tag,
            anchor,
            first,
            measure,
            open,
        } = frame;
        // The tree lives as long as the lint: no spare capacity.
        let (kind, last_end) = match open {
            Open::Seq => {
                let first = first.min(self.items.len());
                let last = self.items.get(first..).and_then(<[Node]>::last);
                let last = last.map(|n| n.span.end());
                (NodeKind::Seq(self.items.drain(first..).collect()), last)
            }
            Open::Map { .. } => {
                let first = first.min(self.entries.len());
                let last = self.entries.get(first..).and_then(<[Entry]>::last);
                let last = last.map(|e| e.value.span.end().max(e.key_span.end()));
                (NodeKind::Map(self.entries.drain(first..).collect()), last)
            }
        };
        // Block collections end where their last item ends, not at the next token.
        let end = if flow {
            end_span.end()
        } else {
            last_end.unwrap_or(end_span.start())
        };
        let span = Span::new(start, end.max(start));
        if flow {
            if let Some(spans) = &mut self.flow_spans {
                spans.push(span);
            }
        }
        let node = apply_tag(Node::new(kind, span), tag, &mut self.interner)?;
        let measure = measure.closed();
        self.remember(anchor, &node, measure);
        Ok((node, measure))
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        tag: Option<Tag>,
        span: Span,
    ) -> Result<Node, ParseError> {
        let kind = if style == ScalarStyle::Plain && tag.is_none() {
            resolve_plain(value, &mut self.interner)
        } else {
            NodeKind::String(self.interner.text(value))
        };
        apply_tag(Node::new(kind, span), tag, &mut self.interner)
    }

    /// Adds a finished node to its parent (or makes it the document).
    fn push(&mut self, node: Node, measure: Measure) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame {
                measure: total,
                open: Open::Seq,
                ..
            }) => {
                total.add(measure);
                self.items.push(node);
                Ok(())
            }
            Some(Frame {
                first,
                measure: total,
                open:
                    Open::Map {
                        pending_key,
                        key_index,
                    },
                ..
            }) => {
                total.add(measure);
                let entries = self.entries.get(*first..).unwrap_or_default();
                match pending_key.take() {
                    None => {
                        let key = match &node.kind {
                            NodeKind::String(s) | NodeKind::Number(s) => s.clone(),
                            NodeKind::Bool(b) => self.interner.text(&b.to_string()),
                            NodeKind::Null => Text::default(),
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
                                    .map(|(i, e)| (e.key.clone(), i))
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
                    Some((key, key_span)) => self.entries.push(Entry {
                        key,
                        key_span,
                        value: node,
                    }),
                }
                Ok(())
            }
        }
    }
}

/// Plain-scalar resolution: null, booleans and numbers; everything else is a string,
/// so `2010-09-09` and `2012-10-17` stay strings.
fn resolve_plain(value: &str, interner: &mut Interner) -> NodeKind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        _ if looks_numeric(value) => NodeKind::Number(interner.text(value)),
        _ => NodeKind::String(interner.text(value)),
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
fn apply_tag(node: Node, tag: Option<Tag>, interner: &mut Interner) -> Result<Node, ParseError> {
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
                NodeKind::Map(Items::from([Entry {
                    key: interner.text(long),
                    key_span: span,
                    value: node,
                }])),
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
        NodeKind::Opaque(Box::new(Tagged {
            tag: format!("{}{}", tag.handle, tag.suffix).into(),
            value: node,
        })),
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
        assert_eq!(err.span.start(), 10);
        assert_eq!(err.related.first().map(|r| r.0.start()), Some(0));
    }

    #[test]
    fn unknown_tags_are_errors_but_namespaced_tags_are_opaque() {
        let err = parse("a: !Reff X\n").err().map(|e| e.message);
        assert_eq!(
            err.as_deref(),
            Some("unknown tag `!Reff` (did you mean `!Ref`?)")
        );
        assert!(matches!(kind("!Rain::Module x"), NodeKind::Opaque(_)));
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
            .map(|e| e.key_span.start());
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
        let k = n.entry("k").map(|e| e.key_span.start());
        assert_eq!(k, text.find("k:"));
    }
}

//! Strict JSON → [`Node`] with byte spans (jsonc-parser with every extension turned off).

use std::collections::HashMap;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

use super::node::{Entry, Interner, Items, Node, NodeKind, ParseError};
use super::yaml::MAX_DEPTH;
use crate::base::Span;

pub fn parse(text: &str) -> Result<Node, ParseError> {
    // jsonc-parser descends recursively: refuse pathological nesting before it does.
    check_depth(text)?;
    // A byte-order mark is legal at the start of a file but not in JSON: skip it, keep offsets.
    let base = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let text = text.get(base..).unwrap_or("");
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let result =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            let range = e.range();
            ParseError::new(
                format!("invalid JSON: {}", e.kind()),
                Span::new(base + range.start, base + range.end.max(range.start)),
                e.kind().to_string(),
            )
        })?;
    match result.value {
        Some(value) => convert(value, base, &mut Interner::default()),
        None => Ok(Node::new(NodeKind::Null, Span::new(0, 0))),
    }
}

fn convert(value: Value<'_>, base: usize, interner: &mut Interner) -> Result<Node, ParseError> {
    let span = |range: jsonc_parser::common::Range| {
        Span::new(base + range.start, base + range.end.max(range.start))
    };
    Ok(match value {
        Value::StringLit(s) => Node::new(NodeKind::String(interner.text(&s.value)), span(s.range)),
        Value::NumberLit(n) => Node::new(NodeKind::Number(interner.text(n.value)), span(n.range)),
        Value::BooleanLit(b) => Node::new(NodeKind::Bool(b.value), span(b.range)),
        Value::NullKeyword(n) => Node::new(NodeKind::Null, span(n.range)),
        Value::Array(a) => {
            let items = Items::try_collect(
                a.elements.len(),
                a.elements.into_iter().map(|v| convert(v, base, interner)),
            )?;
            Node::new(NodeKind::Seq(items), span(a.range))
        }
        Value::Object(o) => {
            let mut first_at: HashMap<String, Span> = HashMap::new();
            let len = o.properties.len();
            let entries = Items::try_collect(
                len,
                o.properties.into_iter().map(|prop| {
                    let (key, key_span) = match prop.name {
                        ObjectPropName::String(s) => (s.value.into_owned(), span(s.range)),
                        ObjectPropName::Word(w) => (w.value.to_string(), span(w.range)),
                    };
                    if let Some(first) = first_at.get(&key) {
                        let mut err = ParseError::new(
                            format!("duplicate mapping key `{key}`"),
                            key_span,
                            "duplicate key",
                        );
                        err.related.push((*first, "first defined here".to_string()));
                        return Err(err);
                    }
                    first_at.insert(key.clone(), key_span);
                    Ok(Entry {
                        key: interner.text(&key),
                        key_span,
                        value: convert(prop.value, base, interner)?,
                    })
                }),
            )?;
            Node::new(NodeKind::Map(entries), span(o.range))
        }
    })
}

fn check_depth(text: &str) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ParseError::new(
                        format!("document nested deeper than {MAX_DEPTH} levels"),
                        Span::new(i, i + 1),
                        "nesting limit reached here",
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

//! Spanned YAML and JSON: one node tree for both, with the place of every key and value.

pub mod json;
pub mod node;
pub mod yaml;

pub use node::{Entry, Node, NodeKind, ParseError, Text};

/// Which syntax a text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// Guesses the syntax from the content: JSON documents start with `{` or `[`.
/// (`.template`/`.cfn` files hold either, and YAML flow mappings are rare at top level.)
pub fn detect_syntax(text: &str) -> Syntax {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        Syntax::Json
    } else {
        Syntax::Yaml
    }
}

/// Parses a document in the syntax its content shows. JSON is strict: a trailing comma or a
/// comment is an error even though a YAML reader would accept it.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    match detect_syntax(text) {
        Syntax::Json => json::parse(text),
        Syntax::Yaml => yaml::parse(text),
    }
}

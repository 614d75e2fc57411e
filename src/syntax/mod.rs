//! Spanned YAML and JSON: one node tree for both, with the place of every key and value.

pub mod edit;
pub mod json;
pub mod node;
pub mod yaml;

pub use node::{Entry, Items, Node, NodeKind, ParseError, Tagged, Text};

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

/// The syntax a file name promises: `.json` JSON, `.yaml`/`.yml` YAML; `None` for the
/// others (`.template`, `.cfn`, stdin), whose content tells.
pub fn syntax_of_name(name: &str) -> Option<Syntax> {
    let extension = std::path::Path::new(name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    match extension.as_str() {
        "json" => Some(Syntax::Json),
        "yaml" | "yml" => Some(Syntax::Yaml),
        _ => None,
    }
}

/// Parses a document in the syntax its content shows. JSON is strict: a trailing comma or a
/// comment is an error even though a YAML reader would accept it. A second YAML document is
/// an error.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    match detect_syntax(text) {
        Syntax::Json => json::parse(text),
        Syntax::Yaml => yaml::parse(text),
    }
}

/// A parsed input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Its (first) document.
    pub root: Node,
    /// The syntax it was read in.
    pub syntax: Syntax,
    /// A problem after the first YAML document (another document, or a syntax error in
    /// it): reported, while the first document is still linted.
    pub trailing: Option<ParseError>,
}

/// Parses an input file named `name`: by its extension first (`.json` is JSON, `.yaml` and
/// `.yml` are YAML), else by its content, read as YAML when content that looks like JSON
/// is not JSON (a YAML flow mapping at top level).
pub fn parse_file(name: &str, text: &str) -> Result<Parsed, ParseError> {
    let yaml = |text: &str| {
        yaml::parse_stream(text).map(|stream| Parsed {
            root: stream.root,
            syntax: Syntax::Yaml,
            trailing: stream.trailing,
        })
    };
    let json = |text: &str| {
        json::parse(text).map(|root| Parsed {
            root,
            syntax: Syntax::Json,
            trailing: None,
        })
    };
    match syntax_of_name(name) {
        Some(Syntax::Json) => json(text),
        Some(Syntax::Yaml) => yaml(text),
        None => match detect_syntax(text) {
            Syntax::Yaml => yaml(text),
            // JSON's error is the one to show when YAML cannot read it either.
            Syntax::Json => json(text).or_else(|err| yaml(text).map_err(|_| err)),
        },
    }
}

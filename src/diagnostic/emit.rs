//! A small emitter for the snippets in help texts: a value tree ([`Snippet`]) written as
//! block YAML or as JSON, so every snippet reads back as what it shows.

use std::fmt::Write as _;

/// A value to show in a help text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snippet {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(String),
    Str(String),
    Seq(Vec<Snippet>),
    Map(Vec<(String, Snippet)>),
    /// A value under a YAML tag (`!Rain::Module`), shown with its tag.
    Tagged(String, Box<Snippet>),
}

impl Snippet {
    /// A mapping from `(key, value)` pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Snippet)>) -> Snippet {
        Snippet::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn str(text: impl Into<String>) -> Snippet {
        Snippet::Str(text.into())
    }

    /// A value that fits on its key's line: scalars and empty collections.
    fn inline_yaml(&self) -> Option<String> {
        match self {
            Snippet::Null => Some("null".into()),
            Snippet::Bool(b) => Some(b.to_string()),
            Snippet::Number(n) => Some(n.clone()),
            Snippet::Str(s) => Some(yaml_scalar(s, true)),
            Snippet::Seq(items) if items.is_empty() => Some("[]".into()),
            Snippet::Map(entries) if entries.is_empty() => Some("{}".into()),
            Snippet::Tagged(tag, value) => value.inline_yaml().map(|v| format!("!{tag} {v}")),
            Snippet::Seq(_) | Snippet::Map(_) => None,
        }
    }
}

/// The snippet as block YAML, each line indented by `indent` spaces.
pub fn yaml(snippet: &Snippet, indent: usize) -> String {
    let mut out = String::new();
    yaml_block(snippet, indent, &mut out);
    out
}

/// Writes `key: value` (the value inline or as an indented block) at `indent`.
pub fn yaml_pair(key: &str, value: &Snippet, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let _ = write!(out, "{pad}{}:", yaml_scalar(key, false));
    match value.inline_yaml() {
        Some(v) => {
            let _ = writeln!(out, " {v}");
        }
        None => {
            out.push('\n');
            yaml_block(value, indent + 2, out);
        }
    }
}

fn yaml_block(snippet: &Snippet, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match snippet {
        Snippet::Map(entries) if !entries.is_empty() => {
            for (key, value) in entries {
                yaml_pair(key, value, indent, out);
            }
        }
        Snippet::Seq(items) if !items.is_empty() => {
            for item in items {
                match item.inline_yaml() {
                    Some(v) => {
                        let _ = writeln!(out, "{pad}- {v}");
                    }
                    None => {
                        let mut inner = String::new();
                        yaml_block(item, indent + 2, &mut inner);
                        let inner = inner.strip_prefix(&format!("{pad}  ")).unwrap_or(&inner);
                        let _ = write!(out, "{pad}- {inner}");
                    }
                }
            }
        }
        Snippet::Tagged(_, value) => yaml_block(value, indent, out),
        _ => {
            let _ = writeln!(out, "{pad}{}", snippet.inline_yaml().unwrap_or_default());
        }
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string, else
/// single-quoted. `as_value` also quotes texts that would read back as numbers etc.
pub fn yaml_scalar(s: &str, as_value: bool) -> String {
    let plain_chars = s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | '/' | '-' | '_' | ':' | '$' | '{' | '}' | '@' | '+')
    });
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_'));
    let ambiguous = as_value
        && (s.parse::<f64>().is_ok()
            || s.starts_with("0x")
            || s.starts_with("0o")
            || matches!(
                s.to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
            ));
    let plain = plain_chars && first_ok && !s.ends_with(':') && !s.contains('{') && !ambiguous;
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// The snippet as JSON, pretty-printed with two-space indentation starting at `indent`.
pub fn json(snippet: &Snippet, indent: usize) -> String {
    let mut out = String::new();
    json_value(snippet, indent, &mut out);
    out
}

fn json_value(snippet: &Snippet, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent + 2);
    match snippet {
        Snippet::Null => out.push_str("null"),
        Snippet::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Snippet::Number(n) if is_json_number(n) => out.push_str(n),
        Snippet::Number(n) | Snippet::Str(n) => json_string(n, out),
        Snippet::Tagged(_, value) => json_value(value, indent, out),
        Snippet::Seq(items) if items.is_empty() => out.push_str("[]"),
        Snippet::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Snippet::Seq(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                json_value(item, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Snippet::Map(entries) => {
            out.push_str("{\n");
            for (i, (key, value)) in entries.iter().enumerate() {
                out.push_str(&pad);
                json_string(key, out);
                out.push_str(": ");
                json_value(value, indent + 2, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
    }
}

/// Writes `s` as a JSON string literal.
pub fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether `text` is a number as JSON writes one.
pub fn is_json_number(text: &str) -> bool {
    let rest = text.strip_prefix('-').unwrap_or(text);
    let (int, frac_exp) = match rest.find(['.', 'e', 'E']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let int_ok = int == "0"
        || (!int.is_empty() && !int.starts_with('0') && int.bytes().all(|b| b.is_ascii_digit()));
    if !int_ok {
        return false;
    }
    let mut rest = frac_exp;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = frac.get(digits..).unwrap_or("");
    }
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        return !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit());
    }
    rest.is_empty()
}

/// Indents every line of `text` by `by` spaces.
pub fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Turns emitted block YAML into a `- ` list item indented by `by`.
pub fn list_item(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push(format!("{pad}- {line}"));
        } else {
            out.push(format!("{pad}  {line}"));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snippet {
        Snippet::map([
            ("IpProtocol", Snippet::str("tcp")),
            ("FromPort", Snippet::Number("443".into())),
            ("CidrIp", Snippet::str("10.0.0.0/16")),
            (
                "Tags",
                Snippet::Seq(vec![Snippet::map([
                    ("Key", Snippet::str("Name")),
                    ("Value", Snippet::str("yes")),
                ])]),
            ),
        ])
    }

    #[test]
    fn yaml_blocks_and_quoting() {
        assert_eq!(
            yaml(&sample(), 0),
            "IpProtocol: tcp\nFromPort: 443\nCidrIp: 10.0.0.0/16\nTags:\n  - Key: Name\n    Value: 'yes'\n"
        );
        assert_eq!(yaml_scalar("it's", true), "'it''s'");
        assert_eq!(yaml_scalar("22", true), "'22'");
        assert_eq!(yaml_scalar("22", false), "22");
        assert_eq!(list_item("a: 1\nb: 2", 2), "  - a: 1\n    b: 2");
    }

    #[test]
    fn json_is_valid_and_keeps_numbers() {
        let text = json(&sample(), 0);
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(parsed["FromPort"], 443);
        assert_eq!(parsed["Tags"][0]["Value"], "yes");
        assert!(is_json_number("-1.5e3"));
        assert!(!is_json_number("010"));
        assert!(!is_json_number("1."));
        let mut s = String::new();
        json_string("a\"b\n", &mut s);
        assert_eq!(s, "\"a\\\"b\\n\"");
    }
}

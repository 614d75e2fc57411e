//! A small emitter for the snippets in help texts and the text of fixes: a value tree
//! ([`Snippet`]) written as block or flow YAML or as JSON, in a file's own [`Style`], so
//! every snippet reads back as what it shows and every fix reads like its file.

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
    /// An intrinsic function by its long name (`Ref`, `Fn::Sub`) and its argument: `!Sub`
    /// where the file uses short-form tags, else `Fn::Sub: ...` / `{"Fn::Sub": ...}`.
    Fn(&'static str, Box<Snippet>),
}

impl Snippet {
    /// A mapping from `(key, value)` pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Snippet)>) -> Snippet {
        Snippet::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn str(text: impl Into<String>) -> Snippet {
        Snippet::Str(text.into())
    }

    /// `Ref: id`.
    pub fn reference(id: impl Into<String>) -> Snippet {
        Snippet::Fn("Ref", Box::new(Snippet::Str(id.into())))
    }

    /// `Fn::Sub: text`.
    pub fn sub(text: impl Into<String>) -> Snippet {
        Snippet::Fn("Fn::Sub", Box::new(Snippet::Str(text.into())))
    }

    /// `Fn::GetAtt: [id, attribute]`.
    pub fn get_att(id: impl Into<String>, attribute: impl Into<String>) -> Snippet {
        Snippet::Fn(
            "Fn::GetAtt",
            Box::new(Snippet::Seq(vec![
                Snippet::Str(id.into()),
                Snippet::Str(attribute.into()),
            ])),
        )
    }

    /// The long form of an intrinsic: a mapping of one key.
    fn long_form(name: &str, arg: &Snippet) -> Snippet {
        Snippet::Map(vec![(name.to_string(), arg.clone())])
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
            Snippet::Fn(name, arg) => {
                Some(Style::default().yaml_flow(&Snippet::Fn(name, arg.clone())))
            }
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
        Snippet::Fn(..) => {
            let _ = writeln!(out, "{pad}{}", Style::default().yaml_flow(snippet));
        }
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
            // A date (`2012-10-17`) reads back as a timestamp in YAML 1.1.
            || (s.starts_with(|c: char| c.is_ascii_digit())
                && s.contains('-')
                && s.chars().all(|c| c.is_ascii_digit() || c == '-'))
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
        Snippet::Fn(name, arg) => json_value(&Snippet::long_form(name, arg), indent, out),
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

/// How a file writes what a fix adds to it (and a help text shows): its language, its
/// indentation unit, the quote it uses, whether it uses short-form tags, its line break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    pub json: bool,
    /// One level of indentation (`"  "`, `"    "`; a tab only in JSON).
    pub unit: String,
    /// The quote a YAML string gets when it must be quoted.
    pub quote: char,
    /// Short-form tags (`!Ref`, `!Sub`): only where the file already uses them.
    pub short_tags: bool,
    /// `"\r\n"` when the file uses CRLF line breaks.
    pub newline: &'static str,
}

impl Default for Style {
    /// The style of help texts for YAML templates: two spaces, short-form tags.
    fn default() -> Self {
        Style {
            json: false,
            unit: "  ".into(),
            quote: '\'',
            short_tags: true,
            newline: "\n",
        }
    }
}

/// How many lines [`Style::detect`] reads.
const STYLE_SAMPLE_LINES: usize = 5000;

/// Short-form tags whose use in a file shows it writes intrinsics that way.
const SHORT_TAGS: &[&str] = &[
    "Ref",
    "Sub",
    "GetAtt",
    "Join",
    "If",
    "Select",
    "Split",
    "FindInMap",
    "ImportValue",
    "Base64",
    "GetAZs",
    "Equals",
    "Not",
    "And",
    "Or",
    "Condition",
    "Cidr",
];

impl Style {
    /// The style of `text`, a JSON document when `json`.
    pub fn detect(text: &str, json: bool) -> Style {
        // The first line break shows the file's (no scan of a whole large file).
        let crlf = text
            .find('\n')
            .is_some_and(|at| text.get(..at).is_some_and(|l| l.ends_with('\r')));
        let newline = if crlf { "\r\n" } else { "\n" };
        let mut unit = None;
        let mut previous: Option<(usize, bool)> = None;
        let (mut single, mut double, mut short_tags) = (0usize, 0usize, false);
        // A file shows its style in its first lines; a fixed sample keeps this cost flat.
        for line in text.lines().take(STYLE_SAMPLE_LINES) {
            let code = if json { line } else { strip_comment(line) };
            let trimmed = code.trim_start_matches([' ', '\t']);
            let trimmed_end = trimmed.trim_end();
            if trimmed_end.is_empty() {
                continue;
            }
            let lead = code.len() - trimmed.len();
            let opens = if json {
                trimmed_end.ends_with(['{', '['])
            } else {
                trimmed_end.ends_with(':')
            };
            if unit.is_none() {
                if let Some((before, true)) = previous {
                    if lead > before {
                        let tab = code.starts_with('\t');
                        unit = Some(if tab && json {
                            "\t".to_string()
                        } else {
                            " ".repeat((lead - before).clamp(1, 8))
                        });
                    }
                }
            }
            previous = Some((lead, opens));
            if !json {
                let (s, d) = quoted_values(trimmed);
                single += s;
                double += d;
                short_tags = short_tags || uses_short_tag(trimmed);
            }
        }
        Style {
            json,
            unit: unit.unwrap_or_else(|| "  ".into()),
            quote: if double > single { '"' } else { '\'' },
            short_tags,
            newline,
        }
    }

    /// The width of one indentation level in spaces (a tab counts as one).
    pub fn width(&self) -> usize {
        self.unit.len().max(1)
    }

    /// `text` with the file's line breaks.
    pub fn lines(&self, text: &str) -> String {
        if self.newline == "\n" {
            text.to_string()
        } else {
            text.replace('\n', self.newline)
        }
    }

    /// A string as a YAML scalar: plain where that reads back as the same string, else
    /// quoted with the file's quote. `flow` also quotes what a flow collection would cut.
    pub fn scalar(&self, s: &str, as_value: bool, flow: bool) -> String {
        let plain = yaml_scalar(s, as_value);
        let cut = flow && (s.contains([',', '[', ']', '{', '}']) || s.contains(": "));
        if plain == s && !cut {
            return plain;
        }
        if self.quote == '"' {
            let mut out = String::new();
            json_string(s, &mut out);
            out
        } else {
            format!("'{}'", s.replace('\'', "''"))
        }
    }

    /// A value on one line: flow YAML, or compact JSON.
    pub fn inline(&self, snippet: &Snippet) -> String {
        if self.json {
            self.json_compact(snippet)
        } else {
            self.yaml_flow(snippet)
        }
    }

    /// A value as flow YAML (`{Key: value, List: [a, b]}`, `!Ref X`).
    pub fn yaml_flow(&self, snippet: &Snippet) -> String {
        match snippet {
            Snippet::Null => "null".into(),
            Snippet::Bool(b) => b.to_string(),
            Snippet::Number(n) => n.clone(),
            Snippet::Str(s) => self.scalar(s, true, true),
            Snippet::Seq(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| self.yaml_flow(i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Snippet::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.scalar(k, false, true), self.yaml_flow(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Snippet::Tagged(tag, value) => format!("!{tag} {}", self.yaml_flow(value)),
            Snippet::Fn(name, arg) => match self.short_form(name, arg) {
                Some(text) => text,
                None => self.yaml_flow(&Snippet::long_form(name, arg)),
            },
        }
    }

    /// `!Sub text`, `!GetAtt A.B`: the short form, where the file uses short forms. Not
    /// when the argument is itself tagged: YAML gives a node one tag (`!ImportValue !Sub x`
    /// does not parse), so the outer function is written long (`Fn::ImportValue: !Sub x`).
    fn short_form(&self, name: &str, arg: &Snippet) -> Option<String> {
        if !self.short_tags || self.json || matches!(arg, Snippet::Fn(..) | Snippet::Tagged(..)) {
            return None;
        }
        let short = name.strip_prefix("Fn::").unwrap_or(name);
        if let (Snippet::Seq(items), "GetAtt") = (arg, short) {
            if let [Snippet::Str(id), Snippet::Str(attribute)] = items.as_slice() {
                return Some(format!("!GetAtt {id}.{attribute}"));
            }
        }
        Some(format!("!{short} {}", self.yaml_flow(arg)))
    }

    /// A value that fits on its key's line in block YAML.
    fn yaml_inline(&self, snippet: &Snippet) -> Option<String> {
        match snippet {
            Snippet::Seq(items) if !items.is_empty() => None,
            Snippet::Map(entries) if !entries.is_empty() => None,
            Snippet::Tagged(_, value) => self.yaml_inline(value).map(|_| self.yaml_flow(snippet)),
            Snippet::Fn(name, arg) => self.short_form(name, arg),
            _ => Some(self.yaml_flow(snippet)),
        }
    }

    /// The snippet as block YAML at `indent` spaces, each line ending in `\n`.
    pub fn yaml_block(&self, snippet: &Snippet, indent: usize) -> String {
        let mut out = String::new();
        self.block_into(snippet, indent, &mut out);
        out
    }

    /// `key: value` as block YAML at `indent`, ending in `\n`.
    pub fn yaml_pair(&self, key: &str, value: &Snippet, indent: usize) -> String {
        let mut out = String::new();
        self.pair_into(key, value, indent, &mut out);
        out
    }

    fn pair_into(&self, key: &str, value: &Snippet, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        let _ = write!(out, "{pad}{}:", self.scalar(key, false, false));
        match self.yaml_inline(value) {
            Some(v) => {
                let _ = writeln!(out, " {v}");
            }
            None => {
                out.push('\n');
                let inner = match value {
                    // A list under a key: `- ` one level in.
                    Snippet::Seq(_) | Snippet::Map(_) | Snippet::Fn(..) => indent + self.width(),
                    _ => indent,
                };
                self.block_into(value, inner, out);
            }
        }
    }

    fn block_into(&self, snippet: &Snippet, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match snippet {
            Snippet::Map(entries) if !entries.is_empty() => {
                for (key, value) in entries {
                    self.pair_into(key, value, indent, out);
                }
            }
            Snippet::Seq(items) if !items.is_empty() => {
                for item in items {
                    match self.yaml_inline(item) {
                        Some(v) => {
                            let _ = writeln!(out, "{pad}- {v}");
                        }
                        None => {
                            let inner = self.yaml_block(item, indent + 2);
                            let inner = inner.get(indent + 2..).unwrap_or(&inner);
                            let _ = write!(out, "{pad}- {inner}");
                        }
                    }
                }
            }
            Snippet::Fn(name, arg) => match self.short_form(name, arg) {
                Some(text) => {
                    let _ = writeln!(out, "{pad}{text}");
                }
                None => self.block_into(&Snippet::long_form(name, arg), indent, out),
            },
            _ => {
                let _ = writeln!(out, "{pad}{}", self.yaml_flow(snippet));
            }
        }
    }

    /// The snippet as compact one-line JSON (`{"Key": "value", "List": [1, 2]}`).
    pub fn json_compact(&self, snippet: &Snippet) -> String {
        let mut out = String::new();
        match snippet {
            Snippet::Seq(items) => {
                let inner: Vec<String> = items.iter().map(|i| self.json_compact(i)).collect();
                let _ = write!(out, "[{}]", inner.join(", "));
            }
            Snippet::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        let mut key = String::new();
                        json_string(k, &mut key);
                        format!("{key}: {}", self.json_compact(v))
                    })
                    .collect();
                let _ = write!(out, "{{{}}}", inner.join(", "));
            }
            Snippet::Tagged(_, value) => return self.json_compact(value),
            Snippet::Fn(name, arg) => return self.json_compact(&Snippet::long_form(name, arg)),
            scalar => json_value(scalar, 0, &mut out),
        }
        out
    }

    /// The snippet as pretty JSON whose inner lines start with `base` and one more unit
    /// per level (the first line is not indented: it follows a key or a bracket).
    pub fn json_pretty(&self, snippet: &Snippet, base: &str) -> String {
        let inner = format!("{base}{}", self.unit);
        match snippet {
            Snippet::Seq(items) if !items.is_empty() => {
                let lines: Vec<String> = items
                    .iter()
                    .map(|i| format!("{inner}{}", self.json_pretty(i, &inner)))
                    .collect();
                format!("[\n{}\n{base}]", lines.join(",\n"))
            }
            Snippet::Map(entries) if !entries.is_empty() => {
                let lines: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        let mut key = String::new();
                        json_string(k, &mut key);
                        format!("{inner}{key}: {}", self.json_pretty(v, &inner))
                    })
                    .collect();
                format!("{{\n{}\n{base}}}", lines.join(",\n"))
            }
            Snippet::Tagged(_, value) => self.json_pretty(value, base),
            Snippet::Fn(name, arg) => self.json_pretty(&Snippet::long_form(name, arg), base),
            other => self.json_compact(other),
        }
    }

    /// A snippet for a help text in this style: indented JSON or block YAML.
    pub fn show(&self, snippet: &Snippet) -> String {
        if self.json {
            self.json_pretty(snippet, "")
        } else {
            self.yaml_block(snippet, 0).trim_end().to_string()
        }
    }

    /// `key: value` on one line, for code in a help text's prose (JSON: `"key": value`).
    pub fn inline_pair(&self, key: &str, value: &Snippet) -> String {
        if self.json {
            let mut out = String::new();
            json_string(key, &mut out);
            format!("{out}: {}", self.json_compact(value))
        } else {
            format!(
                "{}: {}",
                self.scalar(key, false, true),
                self.yaml_flow(value)
            )
        }
    }

    /// `key: value` for a help text in this style (JSON: `"key": value`).
    pub fn show_pair(&self, key: &str, value: &Snippet) -> String {
        if self.json {
            let mut out = String::new();
            json_string(key, &mut out);
            format!("{out}: {}", self.json_pretty(value, ""))
        } else {
            self.yaml_pair(key, value, 0).trim_end().to_string()
        }
    }
}

/// The line without its YAML comment (a `#` at the start or after a space, outside
/// quotes — quotes are followed only roughly: enough to read a file's style).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') if previous == ' ' || previous == ':' => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous == ' ' || previous == '\t' => {
                return line.get(..i).unwrap_or(line);
            }
            _ => {}
        }
        previous = c;
    }
    line
}

/// How many values of a YAML line open with a single and with a double quote (`: '`,
/// `- '` at the start): one pass over the bytes, no substring search per line.
fn quoted_values(line: &str) -> (usize, usize) {
    let bytes = line.as_bytes();
    let (mut single, mut double) = (0, 0);
    let mut count = |quote: u8| match quote {
        b'\'' => single += 1,
        b'"' => double += 1,
        _ => {}
    };
    if let [b'-', b' ', quote, ..] = bytes {
        count(*quote);
    }
    for window in bytes.windows(3) {
        if let [b':', b' ', quote] = window {
            count(*quote);
        }
    }
    (single, double)
}

/// Whether a line (without its comment) uses a short-form CloudFormation tag.
fn uses_short_tag(line: &str) -> bool {
    line.match_indices('!').any(|(at, _)| {
        let rest = line.get(at + 1..).unwrap_or("");
        SHORT_TAGS.iter().any(|tag| {
            rest.strip_prefix(tag)
                .is_some_and(|after| after.is_empty() || after.starts_with([' ', '[', '{']))
        })
    })
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

    #[test]
    fn styles_are_read_from_the_file() {
        let yaml = "Resources:\r\n    A:\r\n        Type: \"x\" # !Ref no\r\n        P: \"y\"\r\n";
        let style = Style::detect(yaml, false);
        assert_eq!(style.unit, "    ");
        assert_eq!(style.quote, '"');
        assert!(!style.short_tags);
        assert_eq!(style.newline, "\r\n");
        let tags = Style::detect("A:\n  B: !Ref C\n", false);
        assert!(tags.short_tags);
        assert_eq!(tags.unit, "  ");
        let json = Style::detect("{\n\t\"A\": {\n\t\t\"B\": 1\n\t}\n}\n", true);
        assert_eq!(json.unit, "\t");
    }

    #[test]
    fn intrinsics_take_the_file_s_form() {
        let sub = Snippet::sub("arn:${AWS::Partition}:iam::aws:policy/X");
        let short = Style::default();
        assert_eq!(
            short.yaml_flow(&sub),
            "!Sub 'arn:${AWS::Partition}:iam::aws:policy/X'"
        );
        let long = Style {
            short_tags: false,
            ..Style::default()
        };
        assert_eq!(
            long.yaml_pair("A", &Snippet::Seq(vec![sub.clone()]), 0),
            "A:\n  - Fn::Sub: 'arn:${AWS::Partition}:iam::aws:policy/X'\n"
        );
        let json = Style::detect("{}", true);
        assert_eq!(
            json.json_compact(&sub),
            "{\"Fn::Sub\": \"arn:${AWS::Partition}:iam::aws:policy/X\"}"
        );
        assert_eq!(
            short.yaml_flow(&Snippet::get_att("R", "Arn")),
            "!GetAtt R.Arn"
        );
        assert_eq!(
            short.yaml_flow(&Snippet::Seq(vec![Snippet::reference("R")])),
            "[!Ref R]"
        );
        assert_eq!(short.inline_pair("A", &Snippet::Bool(true)), "A: true");
        // A node has one tag: the outer of two nested functions is written long.
        let import = Snippet::Fn("Fn::ImportValue", Box::new(Snippet::sub("${Vpc}-Id")));
        assert_eq!(
            short.yaml_flow(&import),
            "{Fn::ImportValue: !Sub '${Vpc}-Id'}"
        );
        assert_eq!(
            short.yaml_pair("VpcId", &import, 0),
            "VpcId:\n  Fn::ImportValue: !Sub '${Vpc}-Id'\n"
        );

        assert_eq!(
            json.inline_pair("A", &Snippet::reference("R")),
            "\"A\": {\"Ref\": \"R\"}"
        );
    }
}

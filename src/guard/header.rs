//! The rules of a `.guard` file and the `# ssmlint:` header comment above each.
//!
//! ```text
//! # ssmlint:
//! #   code: ACME001
//! #   name: bucket-versioning
//! #   severity: warning
//! #   types: [AWS::S3::Bucket]
//! #   message: "bucket `{resource}` is not versioned ({found})"
//! #   help: "set `VersioningConfiguration: {Status: Enabled}`"
//! #   url: https://example.com/acme001
//! rule bucket_versioning { ... }
//! ```
//!
//! The header is YAML written in comments, right above its `rule` (no blank line
//! between). Every key is optional.

use crate::base::SourceFile;
use crate::rules::Severity;
use crate::syntax::{Node, NodeKind};

/// The keys a header may have.
pub const KEYS: &[&str] = &[
    "code",
    "name",
    "severity",
    "types",
    "properties",
    "message",
    "label",
    "help",
    "url",
];

/// What a `# ssmlint:` header says about one rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub code: Option<String>,
    pub name: Option<String>,
    pub severity: Option<Severity>,
    /// The resource types the rule looks at: a template without any is never evaluated,
    /// and the rule is shown only those resources.
    pub types: Option<Vec<String>>,
    /// The properties (dotted paths below `Properties`) the rule reads: with `types`,
    /// Guard is given only these, which makes it faster on large resources.
    pub properties: Option<Vec<String>>,
    pub message: Option<String>,
    pub label: Option<String>,
    pub help: Option<String>,
    pub url: Option<String>,
}

/// One `rule NAME` of a Guard file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDecl {
    pub name: String,
    /// 1-based line of the `rule` keyword.
    pub line: usize,
    pub header: Option<Header>,
}

/// The named rules of a Guard file and their headers. Errors are `file:line:col: message`.
#[allow(
    clippy::indexing_slicing,
    reason = "`at` is checked against the block's length by the loop"
)]
pub fn scan(text: &str, shown: &str) -> Result<Vec<RuleDecl>, Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    // The comment lines right above the current line: (0-based line, text).
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            block.push((index, line));
            continue;
        }
        let header_at = block
            .iter()
            .position(|(_, l)| comment_body(l).trim_end() == "ssmlint:");
        let rule_name = rule_name(trimmed);
        match (header_at, rule_name) {
            (Some(at), Some(name)) => {
                match parse_header(block.get(at..).unwrap_or_default(), shown) {
                    Ok(header) => rules.push(RuleDecl {
                        name,
                        line: index + 1,
                        header: Some(header),
                    }),
                    Err(mut e) => errors.append(&mut e),
                }
            }
            (None, Some(name)) => rules.push(RuleDecl {
                name,
                line: index + 1,
                header: None,
            }),
            (Some(at), None) => {
                let (line_index, l) = block[at];
                errors.push(format!(
                    "{shown}:{}:{}: an `# ssmlint:` header must be right above the `rule` it \
                     describes, with no blank line between",
                    line_index + 1,
                    l.len() - l.trim_start().len() + 1
                ));
            }
            (None, None) => {}
        }
        block.clear();
    }
    if let Some(at) = block
        .iter()
        .position(|(_, l)| comment_body(l).trim_end() == "ssmlint:")
    {
        let (line_index, l) = block[at];
        errors.push(format!(
            "{shown}:{}:{}: an `# ssmlint:` header must be right above the `rule` it describes",
            line_index + 1,
            l.len() - l.trim_start().len() + 1
        ));
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// The text of a comment line after its `#`.
fn comment_body(line: &str) -> &str {
    line.trim_start()
        .strip_prefix('#')
        .unwrap_or_default()
        .trim_start()
}

/// `rule NAME ...` → NAME.
fn rule_name(line: &str) -> Option<String> {
    let rest = line.strip_prefix("rule")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Parses the comment lines from `# ssmlint:` on as YAML, reporting mistakes at their
/// place in the Guard file.
fn parse_header(block: &[(usize, &str)], shown: &str) -> Result<Header, Vec<String>> {
    // Each comment line without its `#`; `shift` maps a YAML column back to the file's.
    let mut yaml = String::new();
    let mut places = Vec::new();
    for (index, line) in block {
        let hash = line.find('#').unwrap_or(0);
        yaml.push_str(line.get(hash + 1..).unwrap_or_default());
        yaml.push('\n');
        places.push((
            *index,
            line.get(..=hash).unwrap_or_default().chars().count(),
        ));
    }
    let source = SourceFile::new(shown, yaml.as_str());
    let at = |offset: usize| {
        let lc = source.line_col(offset);
        let (line, shift) = places.get(lc.line - 1).copied().unwrap_or((0, 0));
        format!("{shown}:{}:{}", line + 1, lc.column + shift)
    };
    let root = crate::syntax::yaml::parse(&yaml).map_err(|e| {
        vec![format!(
            "{}: invalid `# ssmlint:` header: {}",
            at(e.span.start()),
            e.message
        )]
    })?;
    let mut header = Header::default();
    let mut errors = Vec::new();
    let body = root.get("ssmlint");
    let entries = match body.map(|b| &b.kind) {
        Some(NodeKind::Map(entries)) => &entries[..],
        Some(NodeKind::Null) | None => &[],
        Some(_) => {
            let node = body.unwrap_or(&root);
            return Err(vec![format!(
                "{}: the `# ssmlint:` header must be a mapping of {}, not a {}",
                at(node.span.start()),
                KEYS.join(", "),
                node.type_name()
            )]);
        }
    };
    let text = |node: &Node, errors: &mut Vec<String>| -> Option<String> {
        match node.as_scalar() {
            Some(s) if !s.trim().is_empty() => Some(s.trim_end().to_string()),
            _ => {
                errors.push(format!(
                    "{}: expected a non-empty string, found a {}",
                    at(node.span.start()),
                    node.type_name()
                ));
                None
            }
        }
    };
    for entry in entries {
        let value = &entry.value;
        match entry.key.as_str() {
            "code" => {
                header.code = text(value, &mut errors).map(|c| c.trim().to_string());
                if header
                    .code
                    .as_deref()
                    .is_some_and(|c| c.contains(char::is_whitespace))
                {
                    errors.push(format!(
                        "{}: a rule code has no spaces",
                        at(value.span.start())
                    ));
                }
            }
            "name" => header.name = text(value, &mut errors).map(|c| c.trim().to_string()),
            "severity" => {
                let level = value.as_scalar().and_then(|s| Severity::parse(s.trim()));
                if level.is_none() {
                    errors.push(format!(
                        "{}: unknown severity `{}`; expected error, warning or info",
                        at(value.span.start()),
                        value.as_scalar().unwrap_or_default()
                    ));
                }
                header.severity = level;
            }
            "types" => {
                let items: &[Node] = match &value.kind {
                    NodeKind::Seq(items) => items,
                    NodeKind::String(_) => std::slice::from_ref(value),
                    _ => {
                        errors.push(format!(
                            "{}: `types` is a list of resource types, not a {}",
                            at(value.span.start()),
                            value.type_name()
                        ));
                        &[]
                    }
                };
                let mut types = Vec::new();
                for item in items {
                    match item.as_str().map(str::trim) {
                        Some(t) if t.split("::").count() >= 3 => types.push(t.to_string()),
                        _ => errors.push(format!(
                            "{}: expected a resource type such as `AWS::EC2::Instance`",
                            at(item.span.start())
                        )),
                    }
                }
                header.types = Some(types);
            }
            "properties" => {
                let items: &[Node] = match &value.kind {
                    NodeKind::Seq(items) => items,
                    NodeKind::String(_) => std::slice::from_ref(value),
                    _ => {
                        errors.push(format!(
                            "{}: `properties` is a list of property paths, not a {}",
                            at(value.span.start()),
                            value.type_name()
                        ));
                        &[]
                    }
                };
                let mut paths = Vec::new();
                for item in items {
                    match item.as_str().map(str::trim) {
                        Some(p) if !p.is_empty() && p.split('.').all(|k| !k.is_empty()) => {
                            paths.push(p.to_string())
                        }
                        _ => errors.push(format!(
                            "{}: expected a property path such as `MetadataOptions.HttpTokens`",
                            at(item.span.start())
                        )),
                    }
                }
                header.properties = Some(paths);
            }
            "message" => header.message = text(value, &mut errors),
            "label" => header.label = text(value, &mut errors),
            "help" => header.help = text(value, &mut errors),
            "url" => header.url = text(value, &mut errors).map(|c| c.trim().to_string()),
            key => {
                let hint = match crate::base::text::closest(key, KEYS.iter().copied()) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None => format!("; the keys are {}", KEYS.join(", ")),
                };
                errors.push(format!(
                    "{}: unknown key `{key}` in the `# ssmlint:` header{hint}",
                    at(entry.key_span.start())
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(header)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_belong_to_the_rule_below() {
        let text = "# about the file\n\n# ssmlint:\n#   code: X1\n#   severity: info\n#   types: [AWS::S3::Bucket]\nrule a when x {\n}\nrule b {\n}\n";
        let rules = scan(text, "f.guard").unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].name, "a");
        assert_eq!(rules[0].line, 7);
        let h = rules[0].header.as_ref().unwrap();
        assert_eq!(h.code.as_deref(), Some("X1"));
        assert_eq!(h.severity, Some(Severity::Info));
        assert_eq!(
            h.types.as_deref(),
            Some(&["AWS::S3::Bucket".to_string()][..])
        );
        assert_eq!(rules[1].header, None);
    }

    #[test]
    fn mistakes_point_into_the_guard_file() {
        let text = "rule a {\n}\n# ssmlint:\n#   cod: X1\n#   severity: fatal\nrule b {\n}\n# ssmlint:\n\nrule c {}\n";
        let errors = scan(text, "f.guard").unwrap_err();
        assert_eq!(
            errors,
            [
                "f.guard:4:5: unknown key `cod` in the `# ssmlint:` header; did you mean `code`?",
                "f.guard:5:15: unknown severity `fatal`; expected error, warning or info",
                "f.guard:8:1: an `# ssmlint:` header must be right above the `rule` it describes, with no blank line between",
            ]
        );
    }
}

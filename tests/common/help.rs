//! Checks the help texts of a file's findings: every snippet is valid in the file's
//! language (YAML in a YAML file, JSON in a JSON file), uses short-form tags only where
//! the file does, and shows no intrinsic function outside a template.
//!
//! A help text is paragraphs separated by blank lines. A paragraph that follows one
//! ending in `:` is a snippet; every other paragraph is prose, and must not look like code
//! (an indented line, a list item, a `key:` line, a bracket, a comment), so that a snippet
//! without its introducing sentence is caught rather than skipped.

use ssmlint::diagnostic::emit::Style;
use ssmlint::engine::{FileKind, FileReport};
use ssmlint::syntax::{parse_file, Syntax};

/// CloudFormation's short-form tags, as a snippet would write them.
const SHORT_TAGS: &[&str] = &[
    "!Ref ",
    "!Sub ",
    "!GetAtt ",
    "!Join ",
    "!If ",
    "!Select ",
    "!Split ",
    "!FindInMap ",
    "!ImportValue ",
    "!Base64 ",
    "!GetAZs ",
    "!Equals ",
    "!Not ",
    "!And ",
    "!Or ",
    "!Condition ",
    "!Cidr ",
];

/// What was checked, by language.
#[derive(Debug, Default)]
pub struct Checked {
    pub yaml: usize,
    pub json: usize,
    /// The codes whose findings showed a JSON snippet.
    pub json_codes: std::collections::BTreeSet<String>,
    /// The codes whose findings showed any snippet.
    pub codes: std::collections::BTreeSet<String>,
}

/// The snippets and the prose paragraphs of a help text.
pub fn split(help: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut snippets, mut prose) = (Vec::new(), Vec::new());
    let mut introduced = false;
    for paragraph in help.split("\n\n").filter(|p| !p.trim().is_empty()) {
        if introduced {
            snippets.push(paragraph);
            introduced = false;
        } else {
            prose.push(paragraph);
            introduced = paragraph.trim_end().ends_with(':');
        }
    }
    (snippets, prose)
}

/// Whether a line of prose looks like code instead.
fn looks_like_code(line: &str) -> bool {
    let key = line.split_once(':').is_some_and(|(k, rest)| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            && (rest.is_empty() || rest.starts_with(' '))
    });
    key || line.starts_with([' ', '\t', '-', '{', '[', '"', '#', '!', '}', ']'])
}

/// Why `snippet` is not valid in `syntax`, if it is not.
fn invalid(snippet: &str, syntax: Syntax) -> Option<String> {
    match syntax {
        Syntax::Json => {
            let whole = serde_json::from_str::<serde_json::Value>(snippet);
            // `"Key": value`, the JSON form of a YAML `Key: value`.
            let member = serde_json::from_str::<serde_json::Value>(&format!("{{{snippet}}}"));
            match (whole, member) {
                (Ok(_), _) | (_, Ok(_)) => None,
                (Err(e), _) => Some(format!("not JSON ({e})")),
            }
        }
        Syntax::Yaml => match ssmlint::syntax::yaml::parse(snippet) {
            Ok(node) if node.is_null() => Some("no value (a comment or nothing)".into()),
            Ok(_) => None,
            Err(e) => Some(format!("not YAML ({})", e.message)),
        },
    }
}

/// The problems of the help texts of `report` (the file's text is its source), adding
/// what was checked to `checked`.
pub fn problems(report: &FileReport, checked: &mut Checked) -> Vec<String> {
    let name = &report.source.name;
    let text = &report.source.text;
    let Ok(parsed) = parse_file(name, text) else {
        return Vec::new();
    };
    let json = parsed.syntax == Syntax::Json;
    let style = Style::detect(text, json);
    let template = report.kind == FileKind::Template;
    let mut out = Vec::new();
    for finding in &report.findings {
        let Some(help) = &finding.help else {
            continue;
        };
        let mut problem = |what: String| {
            out.push(format!("{name}: {} help {what}:\n{help}\n", finding.code));
        };
        // Not even in prose: a JSON file has no short-form tags.
        if let Some(tag) = SHORT_TAGS.iter().find(|t| json && help.contains(**t)) {
            problem(format!("uses `{}` in a JSON file", tag.trim()));
        }
        let (snippets, prose) = split(help);
        for paragraph in prose {
            if let Some(line) = paragraph.lines().find(|l| looks_like_code(l)) {
                problem(format!(
                    "has code outside a snippet (no sentence ending in `:` before it): {line:?}"
                ));
            }
        }
        for snippet in snippets {
            if let Some(why) = invalid(snippet, parsed.syntax) {
                problem(format!("has a snippet that is {why}:\n{snippet}\n"));
            }
            if let Some(tag) = SHORT_TAGS.iter().find(|t| snippet.contains(**t)) {
                if !json && !style.short_tags {
                    problem(format!("uses `{}` where the file does not", tag.trim()));
                }
            }
            let intrinsic = SHORT_TAGS.iter().any(|t| snippet.contains(t))
                || ["Fn::", "Ref:", "\"Ref\""]
                    .iter()
                    .any(|f| snippet.contains(f));
            if intrinsic && !template {
                problem("shows an intrinsic function outside a template".into());
            }
            if json {
                checked.json += 1;
                checked.json_codes.insert(finding.code.to_string());
            } else {
                checked.yaml += 1;
            }
            checked.codes.insert(finding.code.to_string());
        }
    }
    out
}

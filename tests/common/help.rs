//! Checks the help texts of a file's findings: every snippet is valid in the file's
//! language (YAML in a YAML file, JSON in a JSON file), uses short-form tags only where
//! the file does, and shows no intrinsic function outside a template.
//!
//! A help text is paragraphs separated by blank lines. A paragraph that follows one
//! ending in `:` is a snippet; every other paragraph is prose, and must not look like code
//! (an indented line, a list item, a `key:` line, a bracket, a comment), so that a snippet
//! without its introducing sentence is caught rather than skipped.
//!
//! In a template, the snippets of a help text also paste without dangling: every
//! resource or parameter they refer to (`Ref`, `Fn::GetAtt`, a `${Name}` of `Fn::Sub`)
//! is the template's, a pseudo parameter, or defined by a snippet of the same help text
//! (a top-level entry with a `Type: AWS::...`, or an entry of a top-level `Resources` or
//! `Parameters` section); and what they define takes no logical id the template already
//! uses, unless it is the template's resource of that id and type, rewritten — which
//! may keep the references of the resource it replaces, even dangling ones (see
//! [`refs`]).

use ssmlint::diagnostic::emit::Style;
use ssmlint::engine::{FileKind, FileReport};
use ssmlint::syntax::{parse_file, Node, Syntax};
use std::collections::{BTreeMap, BTreeSet};

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
    /// The templates whose findings showed a snippet, checked for dangling references.
    pub templates: usize,
    /// The references those snippets made, each checked to resolve.
    pub references: usize,
}

impl Checked {
    /// Asserts that the reference check was not vacuous: at least `templates` templates
    /// showed snippets, which made at least `references` references; and tells how many.
    pub fn assert_references(&self, templates: usize, references: usize) {
        assert!(
            self.templates >= templates && self.references >= references,
            "only {} templates, {} references",
            self.templates,
            self.references
        );
        eprintln!(
            "{} templates' help snippets: {} references resolved",
            self.templates, self.references
        );
    }
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
    let names = template.then(|| Names::of(&parsed.root));
    let mut any_snippet = false;
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
        if let Some(names) = &names {
            for why in refs(&snippets, parsed.syntax, &parsed.root, names, checked) {
                problem(why);
            }
        }
        any_snippet |= !snippets.is_empty();
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
    checked.templates += usize::from(any_snippet && template);
    out
}

/// CloudFormation's pseudo parameters: a `Ref` or `${}` of one needs no definition.
const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// The logical ids of a template: its resources, with their `Type`, and its parameters.
#[derive(Debug, Default)]
struct Names {
    resources: BTreeMap<String, String>,
    parameters: BTreeSet<String>,
}

impl Names {
    fn of(root: &Node) -> Names {
        let keys = |section: &str| {
            root.get(section)
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .map(|e| (e.key.to_string(), type_of(&e.value).unwrap_or_default()))
                .collect::<BTreeMap<String, String>>()
        };
        Names {
            resources: keys("Resources"),
            parameters: keys("Parameters").into_keys().collect(),
        }
    }

    fn has(&self, id: &str) -> bool {
        self.resources.contains_key(id) || self.parameters.contains(id)
    }
}

/// The `Type` of a resource, when it is a string.
fn type_of(resource: &Node) -> Option<String> {
    Some(resource.get("Type")?.as_str()?.to_string())
}

/// The tree of a snippet, parsed the way [`invalid`] accepts it: a JSON snippet may be a
/// `"Key": value` member.
fn tree(snippet: &str, syntax: Syntax) -> Option<Node> {
    match syntax {
        Syntax::Json => ssmlint::syntax::json::parse(snippet)
            .or_else(|_| ssmlint::syntax::json::parse(&format!("{{{snippet}}}")))
            .ok(),
        Syntax::Yaml => ssmlint::syntax::yaml::parse(snippet).ok(),
    }
}

/// A logical id a snippet defines: a resource, with its type, or a parameter.
#[derive(Debug)]
struct Definition<'a> {
    id: String,
    /// The resource's `Type`; `None` for a parameter.
    type_name: Option<String>,
    node: &'a Node,
}

/// The logical ids a snippet defines: each top-level entry whose value has a
/// `Type: AWS::...` (a resource), and each entry of a top-level `Resources` or
/// `Parameters` section (SSM204's parameter for the key pair).
fn definitions(tree: &Node) -> Vec<Definition<'_>> {
    let mut out = Vec::new();
    for entry in tree.as_map().unwrap_or_default() {
        let section = ["Resources", "Parameters"].contains(&entry.key.as_str());
        let members = entry.value.as_map().filter(|_| section).unwrap_or_default();
        for member in members {
            out.push(Definition {
                id: member.key.to_string(),
                type_name: (entry.key == "Resources")
                    .then(|| type_of(&member.value).unwrap_or_default()),
                node: &member.value,
            });
        }
        if let Some(type_name) = type_of(&entry.value).filter(|t| t.starts_with("AWS::")) {
            out.push(Definition {
                id: entry.key.to_string(),
                type_name: Some(type_name),
                node: &entry.value,
            });
        }
    }
    out
}

/// The logical ids `node` refers to: the target of a `Ref`, the resource of a
/// `Fn::GetAtt`, each `${Name}` or `${Name.Attr}` of a `Fn::Sub` string that is not a
/// `${!literal}` or a variable of the Sub's own map.
fn references(node: &Node, out: &mut Vec<String>) {
    match node.as_intrinsic() {
        Some(("Ref", target)) => out.extend(target.as_str().map(str::to_string)),
        Some(("Fn::GetAtt", target)) => {
            let resource = match target.as_seq() {
                Some(items) => items.first().and_then(Node::as_str),
                None => target.as_str().and_then(|s| s.split('.').next()),
            };
            out.extend(resource.map(str::to_string));
        }
        Some(("Fn::Sub", argument)) => {
            let (string, variables) = match argument.as_seq() {
                Some([string, variables, ..]) => (string.as_str(), variables.as_map()),
                Some([string]) => (string.as_str(), None),
                _ => (argument.as_str(), None),
            };
            let own = |name: &str| variables.unwrap_or_default().iter().any(|e| e.key == name);
            let mut rest = string.unwrap_or_default();
            while let Some((_, after)) = rest.split_once("${") {
                let Some((variable, tail)) = after.split_once('}') else {
                    break;
                };
                rest = tail;
                let name = variable.split('.').next().unwrap_or_default().trim();
                if !variable.starts_with('!') && !own(name) {
                    out.push(name.to_string());
                }
            }
        }
        _ => {}
    }
    for child in node
        .as_map()
        .unwrap_or_default()
        .iter()
        .map(|e| &e.value)
        .chain(node.as_seq().unwrap_or_default())
    {
        references(child, out);
    }
}

/// The dangling references and colliding definitions of the snippets of one help text
/// in a template whose root is `root` and logical ids `names`.
///
/// A reference resolves to the template's resources and parameters, the pseudo
/// parameters, or a logical id any snippet of the help defines. A definition collides
/// when the template already has that id — a parameter, or a resource of another type:
/// a resource of the same id and type is the help's rewrite of it (SSM200's security
/// group with its rule removed), which replaces it, and may keep the references the
/// template's resource makes itself, even dangling ones (a template that refers to a
/// `VpcId` it does not define: pasting the rewrite adds no dangling reference).
fn refs(
    snippets: &[&str],
    syntax: Syntax,
    root: &Node,
    names: &Names,
    checked: &mut Checked,
) -> Vec<String> {
    let trees: Vec<Node> = snippets.iter().filter_map(|s| tree(s, syntax)).collect();
    let defined: Vec<Definition<'_>> = trees.iter().flat_map(definitions).collect();
    let mut out = Vec::new();
    let mut referred = Vec::new();
    for tree in &trees {
        references(tree, &mut referred);
    }
    let mut kept = Vec::new();
    for definition in &defined {
        let id = &definition.id;
        let template_type = names.resources.get(id);
        let replaces =
            definition.type_name.is_some() && template_type == definition.type_name.as_ref();
        if replaces {
            let resource = root.get("Resources").and_then(|r| r.get(id));
            references(resource.unwrap_or(definition.node), &mut kept);
        } else if names.has(id) {
            out.push(format!(
                "defines `{id}`, a logical id the template already uses"
            ));
        }
    }
    checked.references += referred.len();
    for id in referred {
        let known = names.has(&id)
            || PSEUDO_PARAMETERS.contains(&id.as_str())
            || defined.iter().any(|d| d.id == id)
            || kept.contains(&id);
        if !known {
            out.push(format!(
                "refers to `{id}`, which neither the template nor the help's snippets define"
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and other
//! SARIF viewers.
//!
//! One run; the tool driver carries a rule descriptor for every rule (from the registry:
//! summary, documentation, URL, default level). Each result has the effective level, a
//! region with start and end line/column (columns count Unicode code points), a URI
//! relative to `%SRCROOT%` (the working directory), and a partial fingerprint that
//! depends on the rule, resource and message but not on the line, so an alert survives
//! edits above it. Suppressed findings are results with `suppressions`.

use crate::base::paths::normalize;
use std::collections::HashMap;
use std::path::{Component, Path};

use serde::Serialize;

use crate::base::{SourceFile, Span};
use crate::diagnostic::fingerprint;
use crate::engine::suppress::Suppressed;
use crate::engine::FileReport;
use crate::rules::{Category, Finding, RuleMeta, Severity, ALL_RULES};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// The URI base id of the directory that relative paths start from.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of ssmlint's partial fingerprint; the suffix changes if the recipe does.
pub const FINGERPRINT_KEY: &str = crate::diagnostic::fingerprint::KEY;

/// Where the tool is described: the crate's repository or homepage when the manifest
/// names one, else the Session Manager documentation the rules are built on.
pub fn information_uri() -> &'static str {
    [
        option_env!("CARGO_PKG_REPOSITORY"),
        option_env!("CARGO_PKG_HOMEPAGE"),
    ]
    .into_iter()
    .flatten()
    .find(|u| !u.is_empty())
    .unwrap_or("https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html")
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<HashMap<&'static str, ArtifactLocation>>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    /// Absent for a user rule without a URL: SARIF wants an absolute URI here.
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'static str>,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    /// `security` first: GitHub code scanning ranks an alert by `security-severity` only
    /// for a rule tagged `security`.
    tags: Vec<&'static str>,
    /// A CVSS-like score as a string, which code scanning maps to critical (9.0 and up),
    /// high (7.0 to 8.9), medium (4.0 to 6.9) or low (below 4.0).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    /// The rule's kebab-case name, as used on the command line and in suppressions.
    #[serde(rename = "ssmlintName")]
    ssmlint_name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: HashMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    /// The remedy, usually a snippet to paste.
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    location: Location,
}

/// SARIF `level` of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Renders the reports as a SARIF log. `root` is the directory `%SRCROOT%` stands for
/// (the working directory): relative paths are relative to it. The driver describes the
/// rules that ran (`enabled`) and any other rule with a result; `extra_rules` are the
/// user's own (Guard) rules of this run, described like built-in ones.
pub fn render_sarif(
    reports: &[FileReport],
    root: Option<&Path>,
    enabled: &dyn Fn(&str) -> bool,
    extra_rules: &[&'static RuleMeta],
) -> String {
    let reported: Vec<&str> = reports
        .iter()
        .flat_map(|r| {
            r.findings
                .iter()
                .chain(r.suppressed.iter().map(|s| &s.finding))
        })
        .map(|f| f.code)
        .collect();
    let rules: Vec<&'static RuleMeta> = ALL_RULES
        .iter()
        .map(|r| r.meta())
        .chain(extra_rules.iter().copied())
        .filter(|m| enabled(m.code) || reported.contains(&m.code))
        .collect();
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, m)| (m.code, i)).collect();
    let mut results = Vec::new();
    for report in reports {
        let source = &report.source;
        let artifact = artifact_location(&source.name, root);
        let mut all: Vec<(&Finding, Option<&Suppressed>)> = report
            .findings
            .iter()
            .map(|f| (f, None))
            .chain(report.suppressed.iter().map(|s| (&s.finding, Some(s))))
            .collect();
        all.sort_by_key(|(f, _)| (f.span.start(), f.code));
        let prints = fingerprint::fingerprints(&all.iter().map(|(f, _)| *f).collect::<Vec<_>>());
        for ((finding, suppressed), fingerprint) in all.into_iter().zip(prints) {
            let location = |id: Option<usize>, span: Span, message: Option<&str>| Location {
                id,
                physical_location: PhysicalLocation {
                    artifact_location: artifact.clone(),
                    region: region(source, span),
                },
                logical_locations: Vec::new(),
                message: message.map(|m| Text {
                    text: m.to_string(),
                }),
            };
            let mut primary = location(None, finding.span, None);
            if let Some(id) = &finding.resource {
                primary.logical_locations.push(LogicalLocation {
                    name: id.clone(),
                    fully_qualified_name: format!("Resources.{id}"),
                    kind: "resource",
                });
            }
            let related_locations = finding
                .labels
                .iter()
                .filter(|l| !l.text.is_empty())
                .enumerate()
                .map(|(i, l)| location(Some(i + 1), l.span, Some(&l.text)))
                .collect();
            let suppressions = suppressed
                .map(|s| Suppression {
                    kind: "inSource",
                    status: "accepted",
                    justification: s.reason.clone(),
                    location: location(None, s.span, None),
                })
                .into_iter()
                .collect();
            results.push(SarifResult {
                rule_id: finding.code,
                rule_index: index.get(finding.code).copied(),
                level: level(finding.severity),
                message: Text {
                    text: finding.message.clone(),
                },
                locations: vec![primary],
                related_locations,
                partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, fingerprint)]),
                suppressions,
                properties: finding
                    .help
                    .as_deref()
                    .map(|help| ResultProperties { help: Some(help) }),
            });
        }
    }
    let log = Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "ssmlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: rules.into_iter().map(descriptor).collect(),
                },
            },
            original_uri_base_ids: root.map(|root| {
                HashMap::from([(
                    SRCROOT,
                    ArtifactLocation {
                        uri: directory_uri(root),
                        uri_base_id: None,
                    },
                )])
            }),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    super::json::to_pretty(&log)
}

fn descriptor(meta: &'static RuleMeta) -> Descriptor {
    let docs = meta.documentation();
    Descriptor {
        id: meta.code,
        name: pascal_case(meta.name),
        short_description: Text {
            text: meta.summary.to_string(),
        },
        full_description: Text {
            text: section(&docs, "## What it does").unwrap_or_else(|| meta.summary.to_string()),
        },
        help: Help {
            text: format!("{}\n\n{docs}", meta.summary),
            markdown: format!(
                "**{} {}**: {}\n\n{docs}",
                meta.code, meta.name, meta.summary
            ),
        },
        help_uri: Some(meta.url).filter(|u| !u.is_empty()),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: DescriptorProperties {
            tags: tags(meta),
            security_severity: security_severity(meta),
            ssmlint_name: meta.name,
        },
    }
}

/// The tags of a rule descriptor: `security`, then what the rule is about.
fn tags(meta: &RuleMeta) -> Vec<&'static str> {
    let topic = match meta.category {
        Category::Input => "input",
        Category::IdentityChain => "identity-chain",
        Category::NetworkExposure => "network-exposure",
        Category::SessionLogging => "session-logging",
        Category::Access => "access-control",
        Category::Connectivity => "connectivity",
        Category::Guard => "guard",
    };
    let mut tags = vec!["security", "cloudformation", topic];
    if meta.category != Category::Guard {
        tags.push("session-manager");
    }
    tags
}

/// The `security-severity` of a rule (a CVSS-like score, as code scanning wants it): by
/// its default severity — error 7.0, warning 5.0, info 2.0 — except for the rules whose
/// findings are worse than a broken Session Manager setup: a door open to the internet or
/// to anyone, and an audit trail that is missing or can be erased.
pub fn security_severity(meta: &RuleMeta) -> &'static str {
    match meta.code {
        // Any principal may assume the role.
        "SSM402" => "9.8",
        // SSH or RDP open to the whole internet.
        "SSM200" | "SSM202" => "9.1",
        // Session logs readable by the public; logs that the audited people can erase.
        "SSM305" => "8.6",
        "SSM307" => "8.1",
        // No session is logged.
        "SSM300" => "7.5",
        // Anyone with the permission may open a shell on every instance.
        "SSM400" => "6.5",
        // Narrower SSH, or a network ACL open to SSH from anywhere.
        "SSM201" | "SSM203" | "SSM204" => "5.3",
        _ => match meta.severity {
            Severity::Error => "7.0",
            Severity::Warning => "5.0",
            Severity::Info => "2.0",
        },
    }
}

/// `instance-profile-missing` → `InstanceProfileMissing` (SARIF's friendly rule name).
fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// The text of one `## Heading` section of a rule's documentation, joined into lines.
fn section(docs: &str, heading: &str) -> Option<String> {
    let mut lines = docs.lines().skip_while(|l| l.trim_end() != heading).skip(1);
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if line.starts_with("## ") {
            break;
        }
        out.push(line.trim_end());
    }
    let text = out.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn region(source: &SourceFile, span: Span) -> Region {
    let range = crate::report::json::JsonRange::of(source, span);
    Region {
        start_line: range.line,
        start_column: range.column,
        end_line: range.end_line,
        end_column: range.end_column,
    }
}

/// The percent-encoded path of the file shown as `name` relative to `root`, when it is
/// inside `root` (or relative without `..` when there is no root); for links to a
/// repository's files.
pub(crate) fn relative_uri(name: &str, root: Option<&Path>) -> Option<String> {
    let location = artifact_location(name, root);
    (location.uri_base_id.is_some() && !location.uri.is_empty()).then_some(location.uri)
}

/// The artifact location of a file shown as `name`: relative to `%SRCROOT%` when the
/// path is inside `root`, else an absolute `file:` URI.
fn artifact_location(name: &str, root: Option<&Path>) -> ArtifactLocation {
    let path = Path::new(name);
    let absolute = match root {
        Some(root) if path.is_relative() => normalize(&root.join(path)),
        _ => normalize(path),
    };
    let relative = match root {
        Some(root) => absolute
            .strip_prefix(normalize(root))
            .ok()
            .map(Path::to_path_buf),
        None if path.is_relative() && !path.components().any(|c| c == Component::ParentDir) => {
            Some(normalize(path))
        }
        None => None,
    };
    match relative {
        Some(relative) if relative.as_os_str().is_empty() => ArtifactLocation {
            uri: encode_path(path),
            uri_base_id: Some(SRCROOT),
        },
        Some(relative) => ArtifactLocation {
            uri: encode_path(&relative),
            uri_base_id: Some(SRCROOT),
        },
        None if absolute.is_absolute() => ArtifactLocation {
            uri: format!("file://{}", encode_path(&absolute)),
            uri_base_id: None,
        },
        None => ArtifactLocation {
            uri: encode_path(path),
            uri_base_id: Some(SRCROOT),
        },
    }
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = format!("file://{}", encode_path(&normalize(dir)));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes a path for a URI, keeping `/` between segments.
fn encode_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_use_srcroot_and_others_file_uris() {
        let root = Path::new("/work/repo");
        let a = artifact_location("stacks/a b.yaml", Some(root));
        assert_eq!(
            (a.uri.as_str(), a.uri_base_id),
            ("stacks/a%20b.yaml", Some(SRCROOT))
        );
        let a = artifact_location("/work/repo/./x/../c.yaml", Some(root));
        assert_eq!((a.uri.as_str(), a.uri_base_id), ("c.yaml", Some(SRCROOT)));
        let a = artifact_location("../other/d.yaml", Some(root));
        assert_eq!(
            (a.uri.as_str(), a.uri_base_id),
            ("file:///work/other/d.yaml", None)
        );
        let a = artifact_location("<stdin>", None);
        assert_eq!(a.uri, "%3Cstdin%3E");
        assert_eq!(directory_uri(root), "file:///work/repo/");
    }

    #[test]
    fn names_and_sections() {
        assert_eq!(
            pascal_case("instance-profile-missing"),
            "InstanceProfileMissing"
        );
        assert_eq!(
            section("## What it does\nA.\nB.\n\n## Why\nC\n", "## What it does").as_deref(),
            Some("A.\nB.")
        );
    }

    #[test]
    fn every_rule_is_ranked_within_the_band_of_its_severity() {
        for rule in ALL_RULES {
            let meta = rule.meta();
            let score: f64 = security_severity(meta).parse().expect("a number");
            let band = match meta.severity {
                Severity::Error => 7.0..=10.0,
                Severity::Warning => 4.0..=6.9,
                Severity::Info => 0.1..=3.9,
            };
            assert!(band.contains(&score), "{} {score}", meta.code);
            assert_eq!(tags(meta)[0], "security", "{}", meta.code);
        }
    }
}

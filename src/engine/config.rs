//! `.ssmlint.yaml`: the nearest above each linted file (see [`super::settings`]), or the
//! one named with `--config`.
//!
//! The file is read with the same spanned YAML parser as templates, so every mistake is
//! reported with its place (`.ssmlint.yaml:3:1: unknown key `exlude`; did you mean
//! `exclude`?`). Command-line flags override what the file sets (see `cli`).

use std::fmt;
use std::path::{Path, PathBuf};

use globset::Glob;

use crate::base::{SourceFile, Span};
use crate::rules::{find_rule, Severity, ALL_RULES};
use crate::syntax::{Node, NodeKind};

/// The file names looked for, in order, in each directory from the working directory up.
pub const CONFIG_NAMES: &[&str] = &[".ssmlint.yaml", ".ssmlint.yml"];

/// The keys a configuration file may have.
///
/// `rules` is the per-rule severity map. User rules written in the Guard DSL (`--rules
/// PATH` on the command line) have a key of their own, `guard_rules: [PATH, ...]`.
pub const KEYS: &[&str] = &[
    "rules",
    "guard_rules",
    "include",
    "exclude",
    "fail_on",
    "parameters",
    "require_session_logging",
    "trusted_principals",
    "per_file",
];

/// The keys of a `per_file` section: the settings that may differ between the files of
/// one configuration.
pub const PER_FILE_KEYS: &[&str] = &[
    "rules",
    "parameters",
    "require_session_logging",
    "trusted_principals",
];

/// A `per_file` section: settings for the files that a glob matches (by their path
/// relative to the configuration file's directory, or by their name).
#[derive(Debug, Clone)]
pub struct PerFile {
    pub pattern: Glob,
    /// Where the pattern is written: `file:line:col`.
    pub at: String,
    pub rules: Vec<(&'static str, Option<Severity>)>,
    pub parameters: Vec<(String, String)>,
    pub require_session_logging: Option<bool>,
    pub trusted_principals: Vec<String>,
}

/// What a configuration file sets. `None` and empty lists mean "not set".
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from, as shown in messages.
    pub shown: Option<String>,
    /// Rule code → severity, or `None` for `off`, in file order.
    pub rules: Vec<(&'static str, Option<Severity>)>,
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
    pub fail_on: Option<Severity>,
    pub parameters: Vec<(String, String)>,
    pub require_session_logging: Option<bool>,
    pub trusted_principals: Vec<String>,
    /// Guard rule files or directories (`guard_rules`), relative to the configuration
    /// file's directory once loaded with [`Config::load`].
    pub guard_rules: Vec<PathBuf>,
    /// `per_file` sections, in file order (a later one wins).
    pub per_file: Vec<PerFile>,
}

impl Config {
    /// The rules' options this configuration sets.
    pub fn rule_settings(&self) -> crate::rules::RuleSettings {
        rule_settings(self.require_session_logging, &self.trusted_principals)
    }
}

/// The rules' options for these values of `require_session_logging` and
/// `trusted_principals`.
pub fn rule_settings(
    require_session_logging: Option<bool>,
    trusted_principals: &[String],
) -> crate::rules::RuleSettings {
    use crate::rules::OptionValue;
    let mut settings = crate::rules::RuleSettings::default();
    if let Some(required) = require_session_logging {
        settings.set(
            "SSM301",
            &[(
                "require_session_logging".to_string(),
                OptionValue::Bool(required),
            )],
        );
    }
    if !trusted_principals.is_empty() {
        settings.set(
            "SSM307",
            &[(
                "trusted_principals".to_string(),
                OptionValue::Strings(trusted_principals.to_vec()),
            )],
        );
    }
    settings
}

/// Every problem found in a configuration file, each with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub messages: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

/// The nearest configuration file in `start` or one of its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        CONFIG_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
    })
}

/// How to show `path` in messages: relative to `cwd` when below it.
pub fn shown_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

impl Config {
    /// Reads and validates a configuration file; `shown` names it in messages.
    pub fn load(path: &Path, shown: &str) -> Result<Config, ConfigError> {
        let bytes = crate::base::io::read_regular_file(path).map_err(|reason| ConfigError {
            messages: vec![format!(
                "{shown}: cannot read the configuration file: {reason}"
            )],
        })?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError {
            messages: vec![format!("{shown}: the configuration file is not UTF-8")],
        })?;
        let mut config = Config::from_text(&text, shown)?;
        let base = path.parent().unwrap_or(Path::new(""));
        for rules in &mut config.guard_rules {
            if rules.is_relative() {
                *rules = base.join(&*rules);
            }
        }
        Ok(config)
    }

    /// Parses and validates the text of a configuration file.
    pub fn from_text(text: &str, shown: &str) -> Result<Config, ConfigError> {
        let source = SourceFile::new(shown, text);
        let mut errors = Errors {
            source: &source,
            messages: Vec::new(),
        };
        let root = match crate::syntax::yaml::parse(text) {
            Ok(root) => root,
            Err(err) => {
                errors.at(err.span, err.message);
                return Err(errors.into_error());
            }
        };
        let mut config = Config {
            shown: Some(shown.to_string()),
            ..Config::default()
        };
        let entries = match &root.kind {
            NodeKind::Map(entries) => &entries[..],
            NodeKind::Null => &[],
            _ => {
                errors.at(
                    root.span,
                    format!(
                        "the configuration must be a mapping of settings, not a {}",
                        root.type_name()
                    ),
                );
                return Err(errors.into_error());
            }
        };
        for entry in entries {
            let value = &entry.value;
            if value.is_null() {
                continue;
            }
            match entry.key.as_str() {
                "rules" => config.rules = errors.rules(value),
                "include" => config.include = errors.globs(value),
                "exclude" => config.exclude = errors.globs(value),
                "fail_on" => config.fail_on = errors.severity(value),
                "parameters" => config.parameters = errors.parameters(value),
                "require_session_logging" => match value.kind {
                    NodeKind::Bool(b) => config.require_session_logging = Some(b),
                    _ => errors.expected(value, "`true` or `false`"),
                },
                "trusted_principals" => config.trusted_principals = errors.strings(value),
                "guard_rules" => {
                    config.guard_rules = errors
                        .strings(value)
                        .into_iter()
                        .map(PathBuf::from)
                        .collect()
                }
                "per_file" => config.per_file = errors.per_file(value),
                key => {
                    let hint = match crate::base::text::closest(key, KEYS.iter().copied()) {
                        Some(best) => format!("; did you mean `{best}`?"),
                        None => format!("; the keys are {}", backticked(KEYS)),
                    };
                    errors.at(entry.key_span, format!("unknown key `{key}`{hint}"));
                }
            }
        }
        if errors.messages.is_empty() {
            Ok(config)
        } else {
            Err(errors.into_error())
        }
    }
}

fn backticked(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Collects located messages.
struct Errors<'a> {
    source: &'a SourceFile,
    messages: Vec<String>,
}

impl Errors<'_> {
    fn at(&mut self, span: Span, message: impl fmt::Display) {
        let at = self.source.line_col(span.start());
        self.messages.push(format!(
            "{}:{}:{}: {message}",
            self.source.name, at.line, at.column
        ));
    }

    fn expected(&mut self, node: &Node, what: &str) {
        self.at(
            node.span,
            format!("expected {what}, found a {}", node.type_name()),
        );
    }

    /// A list of strings (a single string is a list of one).
    fn strings(&mut self, node: &Node) -> Vec<String> {
        let items: &[Node] = match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::String(_) => std::slice::from_ref(node),
            _ => {
                self.expected(node, "a list of strings");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_str() {
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                Some(_) => self.at(item.span, "expected a non-empty string"),
                None => self.expected(item, "a string"),
            }
        }
        out
    }

    fn globs(&mut self, node: &Node) -> Vec<Glob> {
        let items: &[Node] = match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::String(_) => std::slice::from_ref(node),
            _ => {
                self.expected(node, "a list of glob patterns");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            let Some(pattern) = item.as_str() else {
                self.expected(item, "a glob pattern");
                continue;
            };
            match Glob::new(pattern) {
                Ok(glob) => out.push(glob),
                Err(err) => self.at(
                    item.span,
                    format!("invalid glob `{pattern}`: {}", err.kind()),
                ),
            }
        }
        out
    }

    fn severity(&mut self, node: &Node) -> Option<Severity> {
        let level = node.as_scalar().and_then(|s| Severity::parse(s.trim()));
        if level.is_none() {
            self.at(
                node.span,
                format!(
                    "unknown level `{}`; expected error, warning or info",
                    node.as_scalar().unwrap_or_default()
                ),
            );
        }
        level
    }

    fn rules(&mut self, node: &Node) -> Vec<(&'static str, Option<Severity>)> {
        let Some(entries) = node.as_map() else {
            self.expected(node, "a mapping of rule code or name to a level or `off`");
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries {
            let Some(rule) = find_rule(entry.key.trim()) else {
                let names = ALL_RULES
                    .iter()
                    .flat_map(|r| [r.meta().code, r.meta().name]);
                let hint = match crate::base::text::closest(entry.key.trim(), names) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None => "; `ssmlint rules` lists them".to_string(),
                };
                self.at(
                    entry.key_span,
                    format!("unknown rule `{}`{hint}", entry.key),
                );
                continue;
            };
            let value = &entry.value;
            let level = match &value.kind {
                NodeKind::Bool(false) => Some(None),
                NodeKind::String(s) if s.trim().eq_ignore_ascii_case("off") => Some(None),
                NodeKind::String(s) => Severity::parse(s.trim()).map(Some),
                _ => None,
            };
            match level {
                Some(level) => out.push((rule.meta().code, level)),
                None => self.at(
                    value.span,
                    format!(
                        "unknown level `{}` for {}; expected error, warning, info or off",
                        value.as_scalar().unwrap_or_default(),
                        rule.meta().code
                    ),
                ),
            }
        }
        out
    }

    fn parameters(&mut self, node: &Node) -> Vec<(String, String)> {
        let Some(entries) = node.as_map() else {
            self.expected(node, "a mapping of parameter name to value");
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries {
            match &entry.value.kind {
                NodeKind::String(_) | NodeKind::Number(_) | NodeKind::Bool(_) => {
                    let value = entry.value.as_scalar().unwrap_or_default().into_owned();
                    out.push((entry.key.to_string(), value));
                }
                // A list parameter (CommaDelimitedList) is written as CloudFormation takes it.
                NodeKind::Seq(items) if items.iter().all(|i| i.as_scalar().is_some()) => {
                    let values: Vec<String> = items
                        .iter()
                        .filter_map(|i| i.as_scalar().map(|s| s.into_owned()))
                        .collect();
                    out.push((entry.key.to_string(), values.join(",")));
                }
                _ => self.expected(&entry.value, "a string, number or list of strings"),
            }
        }
        out
    }

    /// `per_file: {GLOB: {rules: ..., parameters: ..., ...}, ...}`.
    fn per_file(&mut self, node: &Node) -> Vec<PerFile> {
        let Some(entries) = node.as_map() else {
            self.expected(node, "a mapping of glob pattern to settings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries {
            let pattern = match Glob::new(entry.key.trim()) {
                Ok(glob) => glob,
                Err(err) => {
                    self.at(
                        entry.key_span,
                        format!("invalid glob `{}`: {}", entry.key, err.kind()),
                    );
                    continue;
                }
            };
            let at = self.source.line_col(entry.key_span.start());
            let mut section = PerFile {
                pattern,
                at: format!("{}:{}:{}", self.source.name, at.line, at.column),
                rules: Vec::new(),
                parameters: Vec::new(),
                require_session_logging: None,
                trusted_principals: Vec::new(),
            };
            let value = &entry.value;
            let settings: &[crate::syntax::Entry] = match &value.kind {
                NodeKind::Map(settings) => settings,
                NodeKind::Null => &[],
                _ => {
                    self.expected(value, "a mapping of settings");
                    continue;
                }
            };
            for setting in settings {
                let value = &setting.value;
                if value.is_null() {
                    continue;
                }
                match setting.key.as_str() {
                    "rules" => section.rules = self.rules(value),
                    "parameters" => section.parameters = self.parameters(value),
                    "require_session_logging" => match value.kind {
                        NodeKind::Bool(b) => section.require_session_logging = Some(b),
                        _ => self.expected(value, "`true` or `false`"),
                    },
                    "trusted_principals" => section.trusted_principals = self.strings(value),
                    key if KEYS.contains(&key) => self.at(
                        setting.key_span,
                        format!(
                            "`{key}` cannot be set per file; a `per_file` section sets {}",
                            backticked(PER_FILE_KEYS)
                        ),
                    ),
                    key => {
                        let hint =
                            match crate::base::text::closest(key, PER_FILE_KEYS.iter().copied()) {
                                Some(best) => format!("; did you mean `{best}`?"),
                                None => format!(
                                    "; a `per_file` section sets {}",
                                    backticked(PER_FILE_KEYS)
                                ),
                            };
                        self.at(setting.key_span, format!("unknown key `{key}`{hint}"));
                    }
                }
            }
            out.push(section);
        }
        out
    }

    fn into_error(self) -> ConfigError {
        ConfigError {
            messages: self.messages,
        }
    }
}

/// What `ssmlint init` writes: every setting, commented, with its default.
pub const STARTER: &str = r#"# ssmlint configuration. For each file it lints, ssmlint reads the nearest
# .ssmlint.yaml above that file (else the one above the working directory);
# `--config PATH` names one file for all and `--no-config` reads none. Flags on the
# command line override what is set here.

# Exit with status 1 when a finding is at least this severe: error, warning or info.
fail_on: error

# Severity per rule, by code or name: error, warning, info, or off.
rules:
  # SSM201: off            # SSH from inside the VPC is accepted here
  # ssh-ingress: info
  # SSM106: off            # profiles come from another stack

# File patterns linted when walking directories, besides *.yaml *.yml *.json *.template
# *.cfn; and patterns skipped (even for files named on the command line).
include:
  # - "*.cfn.yml"
exclude:
  # - "cdk.out/**"
  # - "node_modules/**"

# Values for template parameters, used instead of their Default (like --parameter K=V).
parameters:
  # Environment: prod
  # SSHLocation: 10.0.0.0/8

# Every template with instances must define Session Manager logging: without a
# Session document SSM301 is an error, not an info.
require_session_logging: false

# Your own Guard rules: .guard files or directories of them, relative to this file
# (like --rules PATH, which adds to these).
guard_rules:
  # - policies/guard

# Principals (role or user ARNs, or names) trusted to change the session audit trail;
# SSM307 does not report them.
trusted_principals:
  # - arn:aws:iam::123456789012:role/SecurityAudit

# Settings for some files only: glob patterns, matched against the path relative to
# this file's directory (or the file name), each with rules, parameters,
# require_session_logging or trusted_principals. A later section wins.
per_file:
  # "legacy/**":
  #   rules: {SSM201: off}

# Suppress a finding in the template itself:
#   Metadata: {ssmlint: {ignore: [{rule: SSM201, reason: "bastion"}]}}   (on a resource)
#   # ssmlint: ignore[SSM201] bastion                              (on the line above)
"#;

/// Writes [`STARTER`] to `.ssmlint.yaml` in `dir`; refuses to overwrite a configuration.
#[allow(
    clippy::indexing_slicing,
    reason = "CONFIG_NAMES is a non-empty constant"
)]
pub fn init(dir: &Path) -> Result<PathBuf, String> {
    if let Some(existing) = CONFIG_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.exists())
    {
        return Err(format!(
            "{} already exists; not overwriting it",
            existing.display()
        ));
    }
    let path = dir.join(CONFIG_NAMES[0]);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, STARTER.as_bytes()));
    match written {
        Ok(()) => Ok(path),
        Err(err) => Err(format!(
            "cannot write {}: {}",
            path.display(),
            crate::base::io_reason(&err)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_file_is_valid_and_sets_defaults() {
        let config = Config::from_text(STARTER, ".ssmlint.yaml").unwrap();
        assert_eq!(config.fail_on, Some(Severity::Error));
        assert_eq!(config.require_session_logging, Some(false));
        assert!(config.rules.is_empty() && config.include.is_empty());
    }

    #[test]
    fn every_setting_is_read() {
        let text = "rules:\n  SSM201: off\n  instance-profile-missing: warning\n  SSM106: false\ninclude: '*.cfn.yml'\nexclude: [vendor/**]\nfail_on: warning\nparameters: {Env: prod, Port: 22, Cidrs: [a, b]}\nrequire_session_logging: true\ntrusted_principals: [arn:aws:iam::1:role/A]\n";
        let c = Config::from_text(text, "c.yaml").unwrap();
        assert_eq!(
            c.rules,
            vec![
                ("SSM201", None),
                ("SSM100", Some(Severity::Warning)),
                ("SSM106", None)
            ]
        );
        assert_eq!(c.include.len(), 1);
        assert_eq!(c.exclude[0].glob(), "vendor/**");
        assert_eq!(c.fail_on, Some(Severity::Warning));
        assert_eq!(
            c.parameters,
            vec![
                ("Env".to_string(), "prod".to_string()),
                ("Port".to_string(), "22".to_string()),
                ("Cidrs".to_string(), "a,b".to_string())
            ]
        );
        assert_eq!(c.require_session_logging, Some(true));
        assert_eq!(c.trusted_principals, ["arn:aws:iam::1:role/A"]);
    }

    #[test]
    fn mistakes_have_a_place_and_a_hint() {
        let text = "fail_on: error\nexlude: [x]\nrules:\n  SSM10: off\n  SSM100: fatal\nrequire_session_logging: yes\ninclude: ['a[']\n";
        let err = Config::from_text(text, ".ssmlint.yaml").unwrap_err();
        assert_eq!(
            err.messages,
            [
                ".ssmlint.yaml:2:1: unknown key `exlude`; did you mean `exclude`?",
                ".ssmlint.yaml:4:3: unknown rule `SSM10`; did you mean `SSM100`?",
                ".ssmlint.yaml:5:11: unknown level `fatal` for SSM100; expected error, warning, info or off",
                ".ssmlint.yaml:6:26: expected `true` or `false`, found a string",
                ".ssmlint.yaml:7:11: invalid glob `a[`: unclosed character class; missing ']'",
            ]
        );
        let err = Config::from_text("a: [", "x.yaml").unwrap_err();
        assert!(err.messages[0].starts_with("x.yaml:1:"), "{err}");
        let err = Config::from_text("- a\n", "x.yaml").unwrap_err();
        assert!(err.messages[0].contains("must be a mapping"), "{err}");
    }

    #[test]
    fn discovery_walks_up_and_init_refuses_to_overwrite() {
        let root = std::env::temp_dir().join(format!("ssmlint-config-{}", std::process::id()));
        let deep = root.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(init(&root).unwrap(), root.join(".ssmlint.yaml"));
        assert_eq!(discover(&deep), Some(root.join(".ssmlint.yaml")));
        assert!(init(&root).unwrap_err().contains("already exists"));
        assert_eq!(
            shown_path(&root.join(".ssmlint.yaml"), &root),
            ".ssmlint.yaml"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}

//! What a finding is: its severity, its places, its rule's metadata. Rules, Guard, the
//! engine and every report speak this vocabulary; it knows nothing of templates.

pub mod emit;
pub mod fingerprint;

use serde::Serialize;

use crate::base::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Input,
    IdentityChain,
    NetworkExposure,
    SessionLogging,
    Access,
    Connectivity,
    /// The user's own Guard rules (`--rules PATH`).
    Guard,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Input => "input",
            Category::IdentityChain => "identity chain",
            Category::NetworkExposure => "network exposure and instance hardening",
            Category::SessionLogging => "session logging",
            Category::Connectivity => "connectivity to Systems Manager",
            Category::Access => "who may start sessions",
            Category::Guard => "your own Guard rules",
        }
    }
}

/// What every rule declares about itself; feeds `explain`, `rules`, and the outputs.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    #[serde(rename = "default_severity")]
    pub severity: Severity,
    pub summary: &'static str,
    /// The rule's doc comment (What it does / Why is this bad? / Example / Fix / References).
    #[serde(skip)]
    pub docs: &'static str,
    pub url: &'static str,
    /// Whether the rule's findings carry an automatic fix (`--fix`).
    pub fix: FixAvailability,
}

/// Whether a rule's findings carry a [`Fix`], as the rule declares (and a test checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    /// Never: the remedy needs a human decision.
    None,
    /// Where the template allows an edit that is certain (a literal value, no `Fn::If`).
    Sometimes,
    /// Every finding of the rule carries a fix.
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// Whether `--fix` applies a fix (safe) or only `--fix --unsafe-fixes` does (it may
/// change what the stack does beyond the finding: a removed key pair, a new role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Unsafe,
    Safe,
}

/// Replace the bytes of `span` by `text` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// An automatic fix: edits of the finding's file that remove the finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, for the report ("add `HttpTokens: required`").
    pub title: String,
    pub applicability: Applicability,
    /// Non-overlapping edits; insertions at one place go in this order.
    pub edits: Vec<Edit>,
    /// Rules whose findings the fix may rightly bring: checks that only apply once the
    /// fix is made (an instance that gets a role becomes reachable, and its session
    /// logging and connectivity are then checked). Any other new finding is a bug.
    pub reveals: &'static [&'static str],
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability,
            edits,
            reveals: &[],
        }
    }

    /// The same fix, allowed to bring findings of the rules `codes`.
    #[must_use]
    pub fn revealing(mut self, codes: &'static [&'static str]) -> Fix {
        self.reveals = codes;
        self
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }
}

impl RuleMeta {
    /// The documentation as Markdown, with rustdoc's one-space indent removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// A secondary place in the same file that explains a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// The text under the primary underline.
    pub label: String,
    pub labels: Vec<Label>,
    /// The remedy, usually a snippet to paste.
    pub help: Option<String>,
    /// The logical id of the resource the finding is about.
    pub resource: Option<String>,
    pub url: &'static str,
    /// An automatic fix, when the rule can make one here.
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(meta: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Finding {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: message.into(),
            span,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            resource: None,
            url: meta.url,
            fix: None,
        }
    }

    #[must_use]
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    #[must_use]
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        let text = text.into();
        if !self.labels.iter().any(|l| l.span == span && l.text == text) {
            self.labels.push(Label { span, text });
        }
        self
    }

    #[must_use]
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// Attaches `fix` (an empty or missing fix is dropped).
    #[must_use]
    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix.filter(|f| !f.edits.is_empty());
        self
    }

    #[must_use]
    pub fn resource(mut self, id: impl Into<String>) -> Self {
        self.resource = Some(id.into());
        self
    }
}

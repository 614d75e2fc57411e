//! Linting one file: decode, parse, classify, run the enabled rules, apply severities.

use std::collections::HashMap;
use std::sync::Arc;

use crate::rules::{self, Context, Finding, RuleInfo, RuleMeta, Severity};
use crate::source::{SourceFile, Span};
use crate::template::eval::Evaluator;
use crate::template::model::{classify, DocumentKind, Template};
use crate::template::{Entry, Node, NodeKind};

/// Per-run settings that change what is reported.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// `--parameter Key=Value` overrides of parameter defaults.
    pub parameters: HashMap<String, String>,
    /// Effective severity per rule code.
    pub severities: HashMap<&'static str, Severity>,
    /// When set, only these rule codes run.
    pub select: Option<Vec<&'static str>>,
    /// Rule codes that never run.
    pub ignore: Vec<&'static str>,
    /// `require_session_logging: true` in `.ssmlint.yaml`: a template without session
    /// logging is an error rather than an info (SSM301).
    pub require_session_logging: bool,
    /// `trusted_principals` in `.ssmlint.yaml`: principal ARNs or names exempt from the
    /// audit-trail rules (SSM307).
    pub trusted_principals: Vec<String>,
    /// Guard rule files: the shipped ones (SSM204, SSM205) and the user's (`--rules`).
    pub guard: crate::guard::GuardSet,
}

impl LintOptions {
    pub fn is_enabled(&self, code: &str) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|codes| codes.contains(&code));
        selected && !self.ignore.contains(&code)
    }

    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        // `require_session_logging` makes SSM301 an error; an explicit severity still wins.
        let default = if self.require_session_logging && meta.code == "SSM301" {
            Severity::Error
        } else {
            meta.severity
        };
        self.severities.get(meta.code).copied().unwrap_or(default)
    }
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Template,
    /// A standalone IAM identity policy document.
    IdentityPolicy,
    /// A standalone trust or resource policy (its statements name a `Principal`).
    ResourcePolicy,
    /// A standalone Session Manager document (`aws ssm create-document` input).
    SessionDocument,
    /// Neither template nor policy; skipped silently when found by walking a directory.
    Unsupported,
    /// Could not be read or parsed.
    Error,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Template => "template",
            FileKind::IdentityPolicy => "identity-policy",
            FileKind::ResourcePolicy => "resource-policy",
            FileKind::SessionDocument => "session-document",
            FileKind::Unsupported => "unsupported",
            FileKind::Error => "error",
        }
    }
}

/// The result of linting one file.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub kind: FileKind,
    pub findings: Vec<Finding>,
    /// Why the file could not be read or parsed.
    pub error: Option<String>,
    /// Something the user should know that is not a finding (a bare policy statement
    /// accepted without its `Statement` wrapper).
    pub note: Option<String>,
    /// Findings hidden by a suppression (`crate::suppress`), with the reason.
    pub suppressed: Vec<crate::suppress::Suppressed>,
}

impl FileReport {
    /// A file that could not be read at all (missing, permission denied, a directory).
    pub fn unreadable(name: &str, reason: &str, options: &LintOptions) -> FileReport {
        let source = Arc::new(SourceFile::new(name, ""));
        let message = format!("cannot read `{name}`: {reason}");
        let findings = finalize(
            vec![
                Finding::new(rules::ParseErrorRule.meta(), Span::new(0, 0), &message)
                    .label("unreadable"),
            ],
            options,
        );
        FileReport {
            source,
            kind: FileKind::Error,
            findings,
            error: Some(message),
            note: None,
            suppressed: Vec::new(),
        }
    }
}

/// Decodes raw bytes and lints them. `explicit` is true for files named on the command
/// line (or stdin), which are reported as SSM001 when they are not templates or policies.
pub fn lint_bytes(name: &str, bytes: &[u8], explicit: bool, options: &LintOptions) -> FileReport {
    match std::str::from_utf8(bytes) {
        Ok(text) => lint_source(SourceFile::new(name, text), explicit, options),
        Err(e) => {
            let at = e.valid_up_to();
            let source = SourceFile::new(name, String::from_utf8_lossy(bytes).into_owned());
            let what = if bytes.contains(&0) {
                "a binary file"
            } else {
                "not UTF-8"
            };
            let message = format!("`{name}` is {what}: invalid UTF-8 at byte {at}");
            error_report(
                source,
                message,
                Span::new(at, at + 1),
                "invalid UTF-8 here",
                Vec::new(),
                options,
            )
        }
    }
}

/// Parses and lints one text.
pub fn lint_source(source: SourceFile, explicit: bool, options: &LintOptions) -> FileReport {
    let root = match crate::template::parse(&source.text) {
        Ok(root) => root,
        Err(err) => {
            let related = err.related.clone();
            return error_report(source, err.message, err.span, &err.label, related, options);
        }
    };
    let kind = classify(&root);
    let suppressions = match kind {
        DocumentKind::Unsupported => crate::suppress::Suppressions::default(),
        _ => crate::suppress::Suppressions::collect(
            &source,
            &root,
            kind == DocumentKind::Template,
            options,
        ),
    };
    let mut findings = Vec::new();
    let mut note = None;
    let file_kind = match kind {
        DocumentKind::Template => {
            let template = Template::new(&root).with_source_text(&source.text);
            let eval = Evaluator::new(&template, &options.parameters);
            let cx = Context::new(&source, &template, &eval).with_options(options);
            for rule in rules::ALL_RULES {
                if suppressions.should_run(rule.meta().code, options) {
                    rule.check(&cx, &mut findings);
                }
            }
            // Guard rules (shipped and `--rules`), after the built-in ones.
            let should_run = |code: &str| suppressions.should_run(code, options);
            options.guard.check(&cx, &should_run, &mut findings);
            FileKind::Template
        }
        DocumentKind::Policy {
            has_principal,
            bare_statement,
        } => {
            // A bare statement is read as a document holding just that statement.
            let document = if bare_statement {
                note = Some(
                    "a bare policy statement: read as {\"Version\": \"2012-10-17\", \"Statement\": [ ... ]}"
                        .to_string(),
                );
                Node::new(
                    NodeKind::Map(vec![Entry {
                        key: "Statement".into(),
                        key_span: root.span,
                        value: root.clone(),
                    }]),
                    root.span,
                )
            } else {
                root.clone()
            };
            let empty = Node::new(NodeKind::Map(Vec::new()), Span::default());
            let template = Template::new(&empty).with_source_text(&source.text);
            let eval = Evaluator::new(&template, &options.parameters);
            let cx = Context::for_policy(&source, &template, &eval, &document, has_principal)
                .with_options(options);
            for rule in rules::ALL_RULES {
                if suppressions.should_run(rule.meta().code, options) {
                    rule.check(&cx, &mut findings);
                }
            }
            if has_principal {
                FileKind::ResourcePolicy
            } else {
                FileKind::IdentityPolicy
            }
        }
        DocumentKind::SessionDocument => {
            let empty = Node::new(NodeKind::Map(Vec::new()), Span::default());
            let template = Template::new(&empty).with_source_text(&source.text);
            let eval = Evaluator::new(&template, &options.parameters);
            let cx = Context::for_session_document(&source, &template, &eval, &root)
                .with_options(options);
            for rule in rules::ALL_RULES {
                if suppressions.should_run(rule.meta().code, options) {
                    rule.check(&cx, &mut findings);
                }
            }
            FileKind::SessionDocument
        }
        DocumentKind::Unsupported => {
            if explicit {
                let what = match &root.kind {
                    crate::template::NodeKind::Null => "an empty document".to_string(),
                    crate::template::NodeKind::Map(_) => {
                        "a mapping without `Resources` or `Statement`".to_string()
                    }
                    _ => format!("a bare {}", root.type_name()),
                };
                findings.push(
                    Finding::new(
                        rules::UnsupportedDocument.meta(),
                        root.span,
                        format!(
                            "`{}` is not a CloudFormation template or IAM policy document: {what}",
                            source.name
                        ),
                    )
                    .label("expected a template with `Resources`, or a policy with `Statement`")
                    .help("ssmlint lints CloudFormation templates (YAML or JSON) and IAM policy documents; pass --exclude to skip this file"),
                );
            }
            FileKind::Unsupported
        }
    };
    let (findings, suppressed) = suppressions.apply(findings, &source, options);
    FileReport {
        source: Arc::new(source),
        kind: file_kind,
        findings: finalize(findings, options),
        error: None,
        note,
        suppressed,
    }
}

fn error_report(
    source: SourceFile,
    message: String,
    span: Span,
    label: &str,
    related: Vec<(Span, String)>,
    options: &LintOptions,
) -> FileReport {
    let mut finding = Finding::new(rules::ParseErrorRule.meta(), span, &message).label(label);
    for (span, text) in related {
        finding = finding.with_label(span, text);
    }
    FileReport {
        source: Arc::new(source),
        kind: FileKind::Error,
        findings: finalize(vec![finding], options),
        error: Some(message),
        note: None,
        suppressed: Vec::new(),
    }
}

/// Applies selection and effective severities, and sorts by position.
fn finalize(mut findings: Vec<Finding>, options: &LintOptions) -> Vec<Finding> {
    findings.retain(|f| options.is_enabled(f.code));
    for f in &mut findings {
        if let Some(rule) = rules::find_rule(f.code) {
            f.severity = options.severity_of(rule.meta());
        } else if let Some(level) = options.severities.get(f.code) {
            // A Guard rule of `--rules`.
            f.severity = *level;
        }
    }
    findings.sort_by(|a, b| {
        (a.span.start, a.code, &a.message).cmp(&(b.span.start, b.code, &b.message))
    });
    findings.dedup();
    findings
}

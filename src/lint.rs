//! Linting one file: decode, parse, classify, run the enabled rules, apply severities.

use std::collections::HashMap;
use std::sync::Arc;

use crate::rules::{self, Context, Finding, RuleInfo, RuleMeta, Severity};
use crate::source::{SourceFile, Span};
use crate::template::eval::Evaluator;
use crate::template::model::{classify, DocumentKind, Template};

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
        self.severities
            .get(meta.code)
            .copied()
            .unwrap_or(meta.severity)
    }
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Template,
    Policy,
    /// Neither template nor policy; skipped silently when found by walking a directory.
    Unsupported,
    /// Could not be read or parsed.
    Error,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Template => "template",
            FileKind::Policy => "policy",
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
    let mut findings = Vec::new();
    let file_kind = match kind {
        DocumentKind::Template => {
            let template = Template::new(&root);
            let eval = Evaluator::new(&template, &options.parameters);
            let cx = Context::new(&source, &template, &eval);
            for rule in rules::ALL_RULES {
                if options.is_enabled(rule.meta().code) {
                    rule.check(&cx, &mut findings);
                }
            }
            FileKind::Template
        }
        DocumentKind::Policy => FileKind::Policy,
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
    FileReport {
        source: Arc::new(source),
        kind: file_kind,
        findings: finalize(findings, options),
        error: None,
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
    }
}

/// Applies selection and effective severities, and sorts by position.
fn finalize(mut findings: Vec<Finding>, options: &LintOptions) -> Vec<Finding> {
    findings.retain(|f| options.is_enabled(f.code));
    for f in &mut findings {
        if let Some(rule) = rules::find_rule(f.code) {
            f.severity = options.severity_of(rule.meta());
        }
    }
    findings.sort_by(|a, b| {
        (a.span.start, a.code, &a.message).cmp(&(b.span.start, b.code, &b.message))
    });
    findings.dedup();
    findings
}

//! The engine: lint one file (decode, parse, classify, run the enabled rules, apply
//! suppressions and severities) or many in parallel, with the run's options.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::{SourceFile, Span};
use crate::diagnostic::{Finding, RuleMeta, Severity};
use crate::rules::{self, Context, OptionValue, RuleInfo, RuleSettings};
use crate::semantic::{Input, Model, PolicyFile};
use crate::syntax::{Entry, Items, Node, NodeKind};
use crate::template::eval::Evaluator;
use crate::template::model::{classify, DocumentKind, Template};

pub mod baseline;
pub mod config;
pub mod discover;
pub mod fix;
pub mod paths;
pub mod settings;
pub mod suppress;

use discover::{Input as InputFile, InputSource};

/// The rules no selection, ignore or severity can turn off or lower: SSM000 (a file that
/// cannot be read or parsed) and SSM001 (a named file that is no template or policy).
pub const ALWAYS_REPORTED: &[&str] = &["SSM000", "SSM001"];

/// SSM002 unused-suppression, which runs whatever `--select` names.
const UNUSED_SUPPRESSION: &str = "SSM002";

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
    /// The rules' own options (`trusted_principals` of SSM307, ...).
    pub rule_settings: RuleSettings,
    /// The user's Guard rule files (`--rules`, `guard_rules:`).
    pub guard: crate::guard::GuardSet,
}

impl LintOptions {
    /// The same options with the rule `code`'s options set from `values`.
    #[must_use]
    pub fn with_rule_options(mut self, code: &str, values: &[(&str, OptionValue)]) -> Self {
        let values: Vec<(String, OptionValue)> = values
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect();
        self.rule_settings.set(code, &values);
        self
    }

    /// Whether the run reports `code`. Read and parse errors (SSM000) and unsupported named
    /// files (SSM001) are always reported, whatever is selected or ignored: the run exits
    /// 2 for them, and must say why. SSM002 (unused suppressions) runs whatever `--select`
    /// names (it checks the suppressions of the rules that do not run too); `--ignore` or
    /// `off` turn it off.
    pub fn is_enabled(&self, code: &str) -> bool {
        if ALWAYS_REPORTED.contains(&code) {
            return true;
        }
        let selected = code == UNUSED_SUPPRESSION
            || self
                .select
                .as_ref()
                .is_none_or(|codes| codes.contains(&code));
        selected && !self.ignore.contains(&code)
    }

    /// The severity of a built-in rule's findings: an explicit override, else the
    /// rule's default (which one of its options may raise). Read and parse errors stay
    /// errors.
    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        if ALWAYS_REPORTED.contains(&meta.code) {
            return meta.severity;
        }
        if let Some(level) = self.severities.get(meta.code) {
            return *level;
        }
        rules::find_rule(meta.code)
            .map_or(meta.severity, |r| r.default_severity(&self.rule_settings))
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
    pub suppressed: Vec<suppress::Suppressed>,
    /// The access paths of the compute resources with a finding, for the summary's
    /// diagrams.
    pub access_paths: Vec<paths::AccessPath>,
}

impl FileReport {
    /// A file that could not be read at all (missing, permission denied, a directory).
    pub fn unreadable(name: &str, reason: &str, options: &LintOptions) -> FileReport {
        let source = Arc::new(SourceFile::new(name, ""));
        let message = format!("cannot read `{name}`: {reason}");
        let findings = finalize(
            vec![Finding::new(
                rules::input::ssm000_parse_error::ParseErrorRule.meta(),
                Span::new(0, 0),
                &message,
            )
            .label("unreadable")],
            options,
        );
        FileReport {
            source,
            kind: FileKind::Error,
            findings,
            error: Some(message),
            note: None,
            suppressed: Vec::new(),
            access_paths: Vec::new(),
        }
    }
}

/// How an input was given: found by walking a directory, named, or on stdin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Given {
    Walked,
    Named,
    Stdin,
}

impl Given {
    fn of(explicit: bool) -> Given {
        if explicit {
            Given::Named
        } else {
            Given::Walked
        }
    }
}

/// Decodes raw bytes and lints them. `explicit` is true for files named on the command
/// line, which are reported as SSM001 when they are not templates or policies.
pub fn lint_bytes(name: &str, bytes: &[u8], explicit: bool, options: &LintOptions) -> FileReport {
    lint_owned_bytes(name, bytes.to_vec(), explicit, options)
}

/// [`lint_bytes`] of bytes the caller gives up: the text is not copied while it is
/// linted (a large template is held once).
pub fn lint_owned_bytes(
    name: &str,
    bytes: Vec<u8>,
    explicit: bool,
    options: &LintOptions,
) -> FileReport {
    lint_bytes_as(name, bytes, Given::of(explicit), options)
}

/// [`lint_bytes`] for what was read from stdin (shown as `name`).
pub fn lint_stdin(name: &str, bytes: &[u8], options: &LintOptions) -> FileReport {
    lint_bytes_as(name, bytes.to_vec(), Given::Stdin, options)
}

fn lint_bytes_as(name: &str, bytes: Vec<u8>, given: Given, options: &LintOptions) -> FileReport {
    match String::from_utf8(bytes) {
        Ok(text) => lint_text(SourceFile::new(name, text), given, options),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
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
    lint_text(source, Given::of(explicit), options)
}

fn lint_text(source: SourceFile, given: Given, options: &LintOptions) -> FileReport {
    let parsed = match crate::syntax::parse_file(&source.name, &source.text) {
        Ok(parsed) => parsed,
        Err(err) => {
            let related = err.related.clone();
            return error_report(source, err.message, err.span, &err.label, related, options);
        }
    };
    let root = parsed.root;
    let kind = classify(&root);
    let suppressions = match kind {
        DocumentKind::Unsupported => suppress::Suppressions::default(),
        _ => suppress::Suppressions::collect(
            &source,
            &root,
            parsed.syntax,
            kind == DocumentKind::Template,
            options,
        ),
    };
    let mut findings = Vec::new();
    let mut note = None;
    let mut access_paths = Vec::new();
    let file_kind = match kind {
        DocumentKind::Template => {
            let template =
                Template::deployed(&root, &options.parameters).with_source_text(&source.text);
            let eval = Evaluator::new(&template, &options.parameters);
            let model = Model::new(Input::Template(&template), &eval);
            let cx = Context::new(&source, &eval, &model, &options.rule_settings)
                .with_syntax(parsed.syntax);
            run_rules(&cx, &suppressions, options, &mut findings);
            // The user's Guard rules, after the built-in ones.
            let should_run = |code: &str| suppressions.should_run(code, options);
            options.guard.check(&cx, &should_run, &mut findings);
            access_paths = paths::access_paths(&model, &findings);
            if eval.capped() {
                // Said once per file: a capped value is "unknown", which never alarms.
                note = Some(
                    "some values were too costly to work out in full (deeply nested or combinatorial intrinsics or conditions): they were treated as unknown, so this file may have findings ssmlint did not report"
                        .to_string(),
                );
            }
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
                    NodeKind::Map(Items::from([Entry {
                        key: "Statement".into(),
                        key_span: root.span,
                        value: root.clone(),
                    }])),
                    root.span,
                )
            } else {
                root.clone()
            };
            let eval = Evaluator::plain();
            let input = Input::Policy(PolicyFile {
                document: &document,
                has_principal,
            });
            let model = Model::new(input, &eval);
            let cx = Context::new(&source, &eval, &model, &options.rule_settings)
                .with_syntax(parsed.syntax);
            run_rules(&cx, &suppressions, options, &mut findings);
            if has_principal {
                FileKind::ResourcePolicy
            } else {
                FileKind::IdentityPolicy
            }
        }
        DocumentKind::SessionDocument => {
            let eval = Evaluator::plain();
            let model = Model::new(Input::SessionDocument(&root), &eval);
            let cx = Context::new(&source, &eval, &model, &options.rule_settings)
                .with_syntax(parsed.syntax);
            run_rules(&cx, &suppressions, options, &mut findings);
            FileKind::SessionDocument
        }
        DocumentKind::Unsupported => {
            if given != Given::Walked {
                let what = match &root.kind {
                    crate::syntax::NodeKind::Null => "an empty document".to_string(),
                    crate::syntax::NodeKind::Map(_) => {
                        "a mapping without `Resources` or `Statement`".to_string()
                    }
                    _ => format!("a bare {}", root.type_name()),
                };
                findings.push(
                    Finding::new(
                        rules::input::ssm001_unsupported_document::UnsupportedDocument.meta(),
                        head_span(&root, &source.text),
                        format!(
                            "`{}` is not a CloudFormation template or IAM policy document: {what}",
                            source.name
                        ),
                    )
                    .label("expected a template with `Resources`, or a policy with `Statement`")
                    .help(if given == Given::Stdin {
                        "ssmlint lints CloudFormation templates (YAML or JSON) and IAM policy documents; this came from stdin: pipe one of those, or pass --skip-unsupported"
                    } else {
                        "ssmlint lints CloudFormation templates (YAML or JSON) and IAM policy documents; pass --exclude to skip this file"
                    }),
                );
            }
            FileKind::Unsupported
        }
    };
    let (mut findings, suppressed) = suppressions.apply(findings, &source, options);
    access_paths.retain_mut(|p| p.mark(&findings));
    // Another document after the first (or a syntax error in it): the first is linted,
    // and the file is still an input error, never suppressed.
    let error = parsed.trailing.map(|err| {
        findings.push(
            Finding::new(
                rules::input::ssm000_parse_error::ParseErrorRule.meta(),
                err.span,
                &err.message,
            )
            .label(&err.label)
            .help("CloudFormation reads one document per template (cfn-lint: \"expected a single document in the stream\"); split the file, or remove the `---` line"),
        );
        err.message
    });
    FileReport {
        source: Arc::new(source),
        kind: file_kind,
        findings: finalize(findings, options),
        error,
        note,
        suppressed,
        access_paths,
    }
}

/// Where to point at a whole document without printing it all: its first key, or the
/// first line of it.
fn head_span(root: &Node, text: &str) -> Span {
    if let Some(first) = root.as_map().and_then(<[Entry]>::first) {
        return first.key_span;
    }
    let start = root.span.start().min(text.len());
    let line_end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| start + i);
    Span::new(start, line_end.min(root.span.end().max(start)))
}

/// Runs every built-in rule with a check that the run and the file's suppressions let
/// run.
fn run_rules(
    cx: &Context<'_>,
    suppressions: &suppress::Suppressions,
    options: &LintOptions,
    out: &mut Vec<Finding>,
) {
    for rule in rules::ALL_RULES {
        if let Some(check) = rule.check() {
            if suppressions.should_run(rule.meta().code, options) {
                check.check(cx, out);
            }
        }
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
    let mut finding = Finding::new(
        rules::input::ssm000_parse_error::ParseErrorRule.meta(),
        span,
        &message,
    )
    .label(label);
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
        access_paths: Vec::new(),
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
        (a.span.start(), a.code, &a.message).cmp(&(b.span.start(), b.code, &b.message))
    });
    findings.dedup();
    findings
}

/// Lints the inputs in parallel and returns their reports in input order. `stdin` holds
/// what was read from stdin (or why it could not be read). Unsupported files found by
/// walking a directory are skipped silently and do not appear in the result.
pub fn lint_inputs(
    inputs: &[InputFile],
    stdin: Option<&Result<Vec<u8>, String>>,
    options: &LintOptions,
) -> Vec<FileReport> {
    lint_inputs_with(inputs, stdin, &|_| options)
}

/// [`lint_inputs`] with the options of each input, by its index (see [`settings`]).
pub fn lint_inputs_with<'o>(
    inputs: &[InputFile],
    stdin: Option<&Result<Vec<u8>, String>>,
    options_of: &(dyn Fn(usize) -> &'o LintOptions + Sync),
) -> Vec<FileReport> {
    let reports: Vec<Option<FileReport>> = inputs
        .par_iter()
        .enumerate()
        .map(|(index, input)| {
            let options = options_of(index);
            let report = match &input.source {
                InputSource::File(path) => match crate::base::io::read_regular_file(path) {
                    Ok(bytes) => lint_owned_bytes(&input.name, bytes, input.explicit, options),
                    Err(reason) => FileReport::unreadable(&input.name, &reason, options),
                },
                InputSource::Stdin => match stdin {
                    Some(Ok(bytes)) => lint_stdin(&input.name, bytes, options),
                    Some(Err(reason)) => FileReport::unreadable(&input.name, reason, options),
                    None => FileReport::unreadable(&input.name, "stdin was not read", options),
                },
                InputSource::Unreadable(reason) => {
                    FileReport::unreadable(&input.name, reason, options)
                }
            };
            let skipped = !input.explicit && report.kind == FileKind::Unsupported;
            (!skipped).then_some(report)
        })
        .collect();
    reports.into_iter().flatten().collect()
}

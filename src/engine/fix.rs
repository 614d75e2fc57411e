//! `--fix`: applies the fixes findings carry, verified.
//!
//! Like ruff, fixes whose edits do not overlap are applied together, and the text is
//! linted again; fixes that overlapped get their turn in the next pass, with spans of the
//! new text (at most [`MAX_PASSES`] passes). Every result is checked: it must parse, the
//! fixed findings must be gone, and no finding may appear that was not there before
//! (but of the rules a fix [reveals](crate::diagnostic::Fix::reveals)). A
//! set of fixes that fails is retried one fix at a time, and a fix that fails alone is
//! rolled back and reported as a bug of ssmlint.

use std::collections::{HashMap, HashSet};

use crate::base::{SourceFile, Span};
use crate::diagnostic::{Applicability, Finding, Fix};
use crate::syntax::edit;

use super::{lint_source, FileKind, FileReport, LintOptions};

/// How many times a file is fixed and linted again, at most.
pub const MAX_PASSES: usize = 8;

/// A fix that was rolled back: the rule, the fix, and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolledBack {
    pub code: &'static str,
    pub title: String,
    pub reason: String,
}

/// The result of fixing one file.
#[derive(Debug)]
pub struct Fixed {
    /// The text after the fixes (the input when none applied).
    pub text: String,
    /// The fixes applied: rule code and title, in order.
    pub applied: Vec<(&'static str, String)>,
    /// Fixes that did not do what they should, and were not applied.
    pub rolled_back: Vec<RolledBack>,
    /// The report of the fixed text: what remains.
    pub report: FileReport,
}

impl Fixed {
    pub fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// What identifies a finding across edits (its span moves; its rule, message and resource
/// do not).
type Key = (&'static str, String, Option<String>);

fn key(f: &Finding) -> Key {
    (f.code, f.message.clone(), f.resource.clone())
}

fn counts(findings: &[Finding]) -> HashMap<Key, usize> {
    let mut out = HashMap::new();
    for f in findings {
        *out.entry(key(f)).or_insert(0) += 1;
    }
    out
}

/// Whether the run applies `fix`: safe ones always, unsafe ones with `--unsafe-fixes`.
fn applies(fix: &Fix, unsafe_fixes: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_fixes
}

/// Whether two sets of edits touch (an insertion where another edit starts counts: their
/// order would be a guess).
fn overlap(a: &[Span], b: &[Span]) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| x.start() <= y.end() && y.start() <= x.end())
    })
}

/// Lints `text` as `name` and applies the fixes of its findings (unsafe ones too with
/// `unsafe_fixes`), verifying each as described in the module documentation.
pub fn fix_text(
    name: &str,
    text: &str,
    explicit: bool,
    options: &LintOptions,
    unsafe_fixes: bool,
) -> Fixed {
    let lint = |text: &str| lint_source(SourceFile::new(name, text), explicit, options);
    let mut current = text.to_string();
    let mut report = lint(&current);
    let mut applied = Vec::new();
    let mut rolled_back = Vec::new();
    let mut refused: HashSet<(Key, String)> = HashSet::new();
    if report.kind == FileKind::Error {
        return Fixed {
            text: current,
            applied,
            rolled_back,
            report,
        };
    }
    for _ in 0..MAX_PASSES {
        let mut chosen: Vec<&Finding> = Vec::new();
        let mut taken: Vec<Span> = Vec::new();
        let mut candidates: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| {
                f.fix.as_ref().is_some_and(|fix| {
                    applies(fix, unsafe_fixes) && !refused.contains(&(key(f), fix.title.clone()))
                })
            })
            .collect();
        candidates.sort_by_key(|f| {
            f.fix
                .as_ref()
                .and_then(|x| x.edits.iter().map(|e| e.span.start()).min())
        });
        for f in candidates {
            let spans: Vec<Span> = f
                .fix
                .iter()
                .flat_map(|x| x.edits.iter().map(|e| e.span))
                .collect();
            if !overlap(&spans, &taken) {
                taken.extend(spans);
                chosen.push(f);
            }
        }
        if chosen.is_empty() {
            break;
        }
        let next = match verify(&current, &report, &chosen, &lint) {
            Ok(done) => {
                applied.extend(chosen.iter().map(|f| title(f)));
                Some(done)
            }
            Err(_) if chosen.len() > 1 => {
                // Which one? Each alone, in order; the first that works is kept.
                let mut kept = None;
                for f in &chosen {
                    match verify(&current, &report, &[*f], &lint) {
                        Ok(done) => {
                            applied.push(title(f));
                            kept = Some(done);
                            break;
                        }
                        Err(reason) => {
                            refuse(f, reason, &mut refused, &mut rolled_back);
                        }
                    }
                }
                kept
            }
            Err(reason) => {
                if let Some(f) = chosen.first() {
                    refuse(f, reason, &mut refused, &mut rolled_back);
                }
                None
            }
        };
        if let Some((text, new_report)) = next {
            current = text;
            report = new_report;
        }
    }
    Fixed {
        text: current,
        applied,
        rolled_back,
        report,
    }
}

fn title(f: &Finding) -> (&'static str, String) {
    (
        f.code,
        f.fix.as_ref().map(|x| x.title.clone()).unwrap_or_default(),
    )
}

fn refuse(
    f: &Finding,
    reason: String,
    refused: &mut HashSet<(Key, String)>,
    rolled_back: &mut Vec<RolledBack>,
) {
    let (code, title) = title(f);
    refused.insert((key(f), title.clone()));
    rolled_back.push(RolledBack {
        code,
        title,
        reason,
    });
}

/// Applies the fixes of `chosen` to `text` and checks the result: it parses, the fixed
/// findings are gone, nothing new is reported.
fn verify(
    text: &str,
    before: &FileReport,
    chosen: &[&Finding],
    lint: &dyn Fn(&str) -> FileReport,
) -> Result<(String, FileReport), String> {
    let edits: Vec<&crate::diagnostic::Edit> = chosen
        .iter()
        .flat_map(|f| f.fix.iter().flat_map(|x| x.edits.iter()))
        .collect();
    let fixed = edit::apply(text, &edits).ok_or("has edits that overlap or leave the text")?;
    let after = lint(&fixed);
    if after.kind == FileKind::Error || after.error.is_some() {
        let why = after.error.clone().unwrap_or_default();
        return Err(format!("made a file that does not parse ({why})"));
    }
    let mut remaining = counts(&after.findings);
    for f in chosen {
        if remaining.get(&key(f)).is_some_and(|n| *n > 0) {
            return Err("did not remove its finding".to_string());
        }
    }
    let old = counts(&before.findings);
    let revealed = |code: &str| {
        chosen
            .iter()
            .any(|f| f.fix.as_ref().is_some_and(|x| x.reveals.contains(&code)))
    };
    for f in &after.findings {
        if revealed(f.code) {
            continue;
        }
        let k = key(f);
        let now = remaining.remove(&k).unwrap_or(0);
        if now > old.get(&k).copied().unwrap_or(0) {
            return Err(format!("introduced a finding: {} {}", f.code, f.message));
        }
    }
    Ok((fixed, after))
}

/// A unified diff of `old` to `new`, with `a/NAME` and `b/NAME` headers.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Edit;

    const TEXT: &str = "Resources:\n  App:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0abcdef1234567890\n";

    fn options() -> LintOptions {
        LintOptions {
            select: Some(vec!["SSM205"]),
            ..LintOptions::default()
        }
    }

    #[test]
    fn bad_fixes_are_refused_with_the_reason() {
        let options = options();
        let lint = |text: &str| lint_source(SourceFile::new("t.yaml", text), true, &options);
        let before = lint(TEXT);
        let finding = before.findings.first().expect("SSM205").clone();
        let with = |at: usize, text: &str| Finding {
            fix: Some(Fix::safe(
                "bad",
                vec![Edit {
                    span: Span::new(at, at),
                    text: text.into(),
                }],
            )),
            ..finding.clone()
        };
        let end = TEXT.len();
        let broken = with(end, "  : [\n");
        let err = verify(TEXT, &before, &[&broken], &lint).unwrap_err();
        assert!(err.starts_with("made a file that does not parse"), "{err}");
        let useless = with(end, "# nothing\n");
        let err = verify(TEXT, &before, &[&useless], &lint).unwrap_err();
        assert_eq!(err, "did not remove its finding");
        let good = finding.fix.clone().expect("a fix");
        assert_eq!(good.applicability, Applicability::Safe);
        assert!(verify(TEXT, &before, &[&finding], &lint).is_ok());
    }

    #[test]
    fn fixes_are_applied_and_counted() {
        let fixed = fix_text("t.yaml", TEXT, true, &options(), false);
        assert_eq!(fixed.applied.len(), 1);
        assert!(fixed.rolled_back.is_empty());
        assert!(fixed.report.findings.is_empty());
        assert!(fixed
            .text
            .ends_with("      MetadataOptions:\n        HttpTokens: required\n"));
        assert!(overlap(&[Span::new(3, 3)], &[Span::new(3, 5)]));
        assert!(!overlap(&[Span::new(1, 2)], &[Span::new(3, 5)]));
    }
}

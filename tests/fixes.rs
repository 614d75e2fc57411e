//! `--fix`, checked on every fixture.
//!
//! - Each rule's fix availability is honest: a rule that declares none never attaches a
//!   fix, one that declares `always` attaches one to every finding, and one that
//!   declares a fix attaches one somewhere.
//! - Every fail fixture whose findings carry fixes is fixed (unsafe fixes too) with only
//!   its rule enabled; the result parses, no fix is rolled back, the fixed findings are
//!   gone, and linting with every rule reports nothing the original did not (but for
//!   the rules a fix declares it reveals). The diff
//!   of each is snapshotted as `fixes__<CODE>__<stem>.snap`.

mod common;

use std::collections::HashMap;

use ssmlint::engine::fix::{fix_text, unified_diff};
use ssmlint::engine::{lint_bytes, FileReport, LintOptions};
use ssmlint::rules::{find_rule, Finding, FixAvailability, ALL_RULES};

type Key = (String, String, Option<String>);

fn key(f: &Finding) -> Key {
    (f.code.to_string(), f.message.clone(), f.resource.clone())
}

fn counts(report: &FileReport) -> HashMap<Key, usize> {
    let mut out = HashMap::new();
    for f in &report.findings {
        *out.entry(key(f)).or_insert(0) += 1;
    }
    out
}

#[test]
fn fix_availability_is_declared_honestly() {
    let mut with_fix: HashMap<&str, usize> = HashMap::new();
    let mut problems = Vec::new();
    for fixture in common::rule_fixtures() {
        let path = fixture.path();
        let report = lint_bytes(&path, &common::read(&path), true, &LintOptions::default());
        for f in &report.findings {
            let Some(rule) = find_rule(f.code) else {
                continue;
            };
            match (rule.meta().fix, &f.fix) {
                (FixAvailability::None, Some(_)) => {
                    problems.push(format!("{path}: {} declares no fix but has one", f.code));
                }
                (FixAvailability::Always, None) => problems.push(format!(
                    "{path}: {} declares a fix always but has none: {}",
                    f.code, f.message
                )),
                (_, Some(_)) => *with_fix.entry(f.code).or_insert(0) += 1,
                _ => {}
            }
        }
    }
    for rule in ALL_RULES {
        let meta = rule.meta();
        if meta.fix != FixAvailability::None && !with_fix.contains_key(meta.code) {
            problems.push(format!(
                "{} declares fixes ({}) but no fixture's finding has one",
                meta.code,
                meta.fix.as_str()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fixable_fail_fixture_is_fixed() {
    let mut problems = Vec::new();
    let mut fixed_files = 0;
    for fixture in common::rule_fixtures() {
        if fixture.outcome != "fail" {
            continue;
        }
        let path = fixture.path();
        let Some(rule) = find_rule(&fixture.code) else {
            continue;
        };
        let code = rule.meta().code;
        let Ok(text) = String::from_utf8(common::read(&path)) else {
            continue;
        };
        let only = LintOptions {
            select: Some(vec![code]),
            ..LintOptions::default()
        };
        let fixed = fix_text(&path, &text, true, &only, true);
        for bug in &fixed.rolled_back {
            problems.push(format!(
                "{path}: the fix of {} (\"{}\") {}",
                bug.code, bug.title, bug.reason
            ));
        }
        if !fixed.changed(&text) {
            continue;
        }
        fixed_files += 1;
        // Independently of the fixer's own checks: with every rule, the fixed text
        // parses, reports nothing new, and the fixed findings are gone.
        let all = LintOptions::default();
        let before = lint_bytes(&path, text.as_bytes(), true, &all);
        let after = lint_bytes(&path, fixed.text.as_bytes(), true, &all);
        if let Some(error) = &after.error {
            problems.push(format!("{path}: the fixed text does not parse: {error}"));
            continue;
        }
        // The rules a fix says it may bring (SSM100's: those of reachable instances).
        let reveals: Vec<&str> = lint_bytes(&path, text.as_bytes(), true, &only)
            .findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .flat_map(|fix| fix.reveals.iter().copied())
            .collect();
        let old = counts(&before);
        for (k, n) in counts(&after) {
            if n > old.get(&k).copied().unwrap_or(0) && !reveals.contains(&k.0.as_str()) {
                problems.push(format!("{path}: fixing added {} {}", k.0, k.1));
            }
        }
        for f in &after.findings {
            if f.code == code && f.fix.is_some() {
                problems.push(format!("{path}: a fixable {code} remains: {}", f.message));
            }
        }
        insta::with_settings!({
            description => path.clone(),
            omit_expression => true,
            prepend_module_to_snapshot => true,
        }, {
            insta::assert_snapshot!(
                format!("{code}__{}", fixture.key),
                unified_diff(&path, &text, &fixed.text)
            );
        });
    }
    assert!(fixed_files > 0, "no fixture was fixed");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

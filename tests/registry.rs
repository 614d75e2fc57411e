//! Meta-tests over the rule registry: codes, names, documentation, fixtures, URLs.

mod common;

use std::collections::HashSet;

use ssmlint::rules::{find_rule, ALL_RULES};

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Fix",
    "## References",
];

fn is_code(code: &str) -> bool {
    code.len() == 6 && code.starts_with("SSM") && code[3..].bytes().all(|b| b.is_ascii_digit())
}

fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|word| {
            word.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for rule in ALL_RULES {
        let code = rule.meta().code;
        assert!(is_code(code), "`{code}` does not match ^SSM\\d{{3}}$");
        assert!(seen.insert(code), "`{code}` is registered twice");
    }
}

#[test]
fn codes_are_in_order() {
    let codes: Vec<&str> = ALL_RULES.iter().map(|r| r.meta().code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "ALL_RULES is not in code order");
}

#[test]
fn names_are_unique_kebab_case_and_findable() {
    let mut seen = HashSet::new();
    for rule in ALL_RULES {
        let meta = rule.meta();
        assert!(
            is_kebab_case(meta.name),
            "`{}` is not kebab-case",
            meta.name
        );
        assert!(seen.insert(meta.name), "`{}` is used twice", meta.name);
        assert!(find_rule(meta.name).is_some_and(|r| r.meta().code == meta.code));
        assert!(find_rule(&meta.code.to_lowercase()).is_some_and(|r| r.meta().code == meta.code));
    }
}

#[test]
fn urls_are_https() {
    for rule in ALL_RULES {
        let meta = rule.meta();
        assert!(
            meta.url.starts_with("https://"),
            "{}: url `{}`",
            meta.code,
            meta.url
        );
        assert!(
            !meta.summary.trim().is_empty(),
            "{}: empty summary",
            meta.code
        );
    }
}

#[test]
fn docs_have_every_heading_and_no_todo() {
    let mut problems = Vec::new();
    for rule in ALL_RULES {
        let meta = rule.meta();
        let docs = meta.documentation();
        let lines: Vec<&str> = docs.lines().map(str::trim_end).collect();
        for heading in HEADINGS {
            if !lines.contains(heading) {
                problems.push(format!("{}: missing `{heading}`", meta.code));
            }
        }
        if docs.contains("TODO") {
            problems.push(format!("{}: documentation contains TODO", meta.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let fixtures = common::rule_fixtures();
    let mut problems = Vec::new();
    for rule in ALL_RULES {
        let code = rule.meta().code;
        for outcome in ["fail", "pass"] {
            if !fixtures
                .iter()
                .any(|f| f.code == code && f.outcome == outcome)
            {
                problems.push(format!("{code}: no files in fixtures/{code}/{outcome}/"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

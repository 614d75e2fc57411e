//! The rules tables of the documentation agree with `ssmlint rules` and the fixtures:
//!
//! - README.md's rules table, between its `rules-table` markers, is generated from
//!   `ssmlint rules --format json`;
//! - fixtures/README.md lists every rule fixture once, in registry order (fail before
//!   pass, then by name), each under a rule `ssmlint rules` knows; the descriptions are
//!   kept, and a new fixture is described by its leading `# ` comment.
//!
//! - docs/ssmlint.1, the man page, is generated from the clap definition (clap_mangen).
//!
//! `UPDATE_DOCS=1 cargo test --test docs` rewrites these files instead of failing.

mod common;

use std::collections::HashMap;

const README: &str = "README.md";
const FIXTURES_README: &str = "fixtures/README.md";
const BEGIN: &str = "<!-- rules-table: generated from `ssmlint rules` by tests/docs.rs; \
                     `UPDATE_DOCS=1 cargo test --test docs` rewrites it -->\n";
const END: &str = "<!-- end of rules-table -->\n";
const FIXTURES_HEADER: &str = "| path | rule | expected | what it shows |\n|---|---|---|---|\n";

/// One rule as `ssmlint rules --format json` prints it.
struct Rule {
    code: String,
    name: String,
    severity: String,
    summary: String,
}

fn registry() -> Vec<Rule> {
    let run = common::ssmlint(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = |rule: &serde_json::Value, key: &str| {
        rule[key]
            .as_str()
            .unwrap_or_else(|| panic!("`{key}` of {rule}"))
            .to_string()
    };
    run.json()
        .as_array()
        .expect("a list of rules")
        .iter()
        .map(|rule| Rule {
            code: text(rule, "code"),
            name: text(rule, "name"),
            severity: text(rule, "default_severity"),
            summary: text(rule, "summary"),
        })
        .collect()
}

/// A table cell: `|` escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `UPDATE_DOCS` is set: rewrite the files instead of failing.
fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some()
}

const MAN_PAGE: &str = "docs/ssmlint.1";

#[test]
fn the_man_page_is_generated_from_the_command_line_definition() {
    use clap::CommandFactory as _;
    let mut page = Vec::new();
    clap_mangen::Man::new(ssmlint::cli::Cli::command())
        .render(&mut page)
        .expect("the man page renders");
    let expected = String::from_utf8(page).expect("roff is UTF-8");
    for flag in [
        "--baseline",
        "--write-baseline",
        "--statistics",
        "--show-settings",
        "completions",
    ] {
        assert!(
            expected.contains(&flag.replace('-', "\\-")),
            "the page shows {flag}"
        );
    }
    let actual = std::fs::read_to_string(common::manifest_dir().join(MAN_PAGE)).unwrap_or_default();
    check_or_update(MAN_PAGE, &actual, &expected);
}

/// Compares `file` with `expected`, or writes it when `UPDATE_DOCS` is set.
fn check_or_update(file: &str, actual: &str, expected: &str) {
    if actual == expected {
        return;
    }
    if updating() {
        common::write(&common::manifest_dir().join(file), expected);
        return;
    }
    let first = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, e)| a != e)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    let line = |text: &str| {
        text.lines()
            .nth(first)
            .unwrap_or("(end of file)")
            .to_string()
    };
    panic!(
        "{file} is out of date; run `UPDATE_DOCS=1 cargo test --test docs`.\n\
         first difference, line {}:\n  now:      {}\n  expected: {}",
        first + 1,
        line(actual),
        line(expected)
    );
}

#[test]
fn readme_rules_table_is_ssmlint_rules() {
    let readme = common::read_text(README);
    let (Some(begin), Some(end)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("{README}: the rules table is not between\n{BEGIN}and\n{END}");
    };
    assert!(
        begin < end,
        "{README}: the rules-table markers are out of order"
    );
    let mut table = String::from("| code | name | default | reports |\n|---|---|---|---|\n");
    for rule in registry() {
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.code,
            rule.name,
            rule.severity,
            cell(&rule.summary)
        ));
    }
    let start = begin + BEGIN.len();
    let expected = format!("{}\n{table}\n{}", &readme[..start], &readme[end..]);
    check_or_update(README, &readme, &expected);
}

/// One row of the fixtures table.
struct Row {
    path: String,
    rule: String,
    expected: String,
    shows: String,
}

impl Row {
    fn render(&self) -> String {
        format!(
            "| `{}` | {} | {} | {} |\n",
            self.path, self.rule, self.expected, self.shows
        )
    }
}

/// The rows of the table that starts with `FIXTURES_HEADER`, and the text before it.
fn fixtures_table(text: &str) -> (&str, Vec<Row>) {
    let start = text
        .find(FIXTURES_HEADER)
        .unwrap_or_else(|| panic!("{FIXTURES_README}: no table headed\n{FIXTURES_HEADER}"));
    let rows = text[start + FIXTURES_HEADER.len()..]
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line
                .strip_prefix("| ")
                .and_then(|l| l.strip_suffix(" |"))
                .unwrap_or_else(|| panic!("{FIXTURES_README}: not a table row: {line}"))
                .splitn(4, " | ")
                .collect();
            let [path, rule, expected, shows] = cells[..] else {
                panic!("{FIXTURES_README}: a row needs 4 cells: {line}");
            };
            Row {
                path: path.trim_matches('`').to_string(),
                rule: rule.to_string(),
                expected: expected.to_string(),
                shows: shows.to_string(),
            }
        })
        .collect();
    (&text[..start], rows)
}

/// What a new fixture shows: its leading `# ` comment lines, joined, without a leading
/// `SSM100 fail: ` (or `SSM106 fail (info): `).
fn leading_comment(code: &str, outcome: &str, path: &str) -> String {
    let text = String::from_utf8_lossy(&common::read(&format!("fixtures/{path}"))).into_owned();
    let lines: Vec<&str> = text
        .lines()
        .map_while(|line| line.strip_prefix("# "))
        .collect();
    let comment = lines.join(" ");
    let shows = comment
        .split_once(": ")
        .filter(|(prefix, _)| {
            prefix
                .strip_prefix(&format!("{code} {outcome}"))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(" ("))
        })
        .map_or(comment.as_str(), |(_, rest)| rest);
    cell(shows.trim())
}

#[test]
fn fixtures_readme_lists_every_fixture_under_its_rule() {
    let text = common::read_text(FIXTURES_README);
    let (intro, rows) = fixtures_table(&text);
    let rules = registry();
    let mut described: HashMap<String, Row> = HashMap::new();
    let mut shared = Vec::new();
    for row in rows {
        let outcome = row.path.split('/').nth(1);
        if matches!(outcome, Some("fail" | "pass")) {
            described.insert(row.path.clone(), row);
        } else {
            // `examples/…`, `guard/`: kept in their order, after the rules' fixtures.
            let path = common::manifest_dir().join("fixtures").join(&row.path);
            assert!(
                path.exists(),
                "{FIXTURES_README}: `{}` does not exist",
                row.path
            );
            shared.push(row);
        }
    }
    let fixtures = common::rule_fixtures();
    let mut table = String::from(FIXTURES_HEADER);
    let mut undescribed = Vec::new();
    for rule in &rules {
        let mut any = false;
        for fixture in fixtures.iter().filter(|f| f.code == rule.code) {
            any = true;
            let path = format!("{}/{}/{}", fixture.code, fixture.outcome, fixture.file);
            let shows = match described.remove(&path) {
                Some(row) => row.shows,
                None => leading_comment(&rule.code, fixture.outcome, &path),
            };
            if shows.is_empty() {
                undescribed.push(path.clone());
            }
            let row = Row {
                path,
                rule: rule.code.clone(),
                expected: fixture.outcome.to_string(),
                shows,
            };
            table.push_str(&row.render());
        }
        assert!(any, "{}: no fixtures", rule.code);
    }
    for row in &shared {
        table.push_str(&row.render());
    }
    // Rows of fixtures that are gone (or of no rule): dropped by UPDATE_DOCS.
    let mut stale: Vec<&String> = described.keys().collect();
    stale.sort();
    assert!(
        stale.is_empty() || updating(),
        "{FIXTURES_README} lists fixtures that do not exist: {stale:?}"
    );
    assert!(
        undescribed.is_empty(),
        "describe in {FIXTURES_README} (or in a leading `# ` comment): {undescribed:?}"
    );
    check_or_update(FIXTURES_README, &text, &format!("{intro}{table}"));
}

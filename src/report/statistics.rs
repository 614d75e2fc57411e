//! `--statistics`: the findings counted by rule — code, name, severity, count, fixable —
//! most frequent first. In JSON the same rows are `summary.by_rule`.
//!
//! `fixable` says whether some of the row's findings carry an automatic fix (`--fix`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::FileReport;
use crate::rules::Severity;

/// One row: the findings of one rule at one severity (a rule whose severity differs
/// between files, through per-file settings, has a row per severity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub count: usize,
    /// Whether ssmlint can fix some of these findings itself (`--fix`).
    pub fixable: bool,
}

/// The reported (not suppressed) findings counted by rule, most frequent first, then by
/// severity (most severe first) and code.
pub fn by_rule(reports: &[FileReport]) -> Vec<RuleCount> {
    let mut counts: BTreeMap<(&'static str, Severity), (&'static str, usize, bool)> =
        BTreeMap::new();
    for finding in reports.iter().flat_map(|r| &r.findings) {
        let row =
            counts
                .entry((finding.code, finding.severity))
                .or_insert((finding.name, 0, false));
        row.1 += 1;
        row.2 |= finding.fix.is_some();
    }
    let mut rows: Vec<RuleCount> = counts
        .into_iter()
        .map(|((code, severity), (name, count, fixable))| RuleCount {
            code,
            name,
            severity,
            count,
            fixable,
        })
        .collect();
    rows.sort_by(|a, b| (b.count, b.severity, a.code).cmp(&(a.count, a.severity, b.code)));
    rows
}

/// The table, with a header line; empty when there is no finding.
pub fn render_table(rows: &[RuleCount]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let header = ["CODE", "NAME", "SEVERITY", "COUNT", "FIXABLE"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                r.code.to_string(),
                r.name.to_string(),
                r.severity.to_string(),
                r.count.to_string(),
                if r.fixable { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(&cells) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_by_count_and_aligned() {
        let row = |code, count, severity| RuleCount {
            code,
            name: "n",
            severity,
            count,
            fixable: false,
        };
        let rows = vec![
            row("SSM201", 3, Severity::Warning),
            row("SSM100", 12, Severity::Error),
        ];
        assert_eq!(
            render_table(&rows),
            "CODE    NAME  SEVERITY  COUNT  FIXABLE\n\
             SSM201  n     warning       3  no\n\
             SSM100  n     error        12  no\n"
        );
        assert_eq!(render_table(&[]), "");
    }
}

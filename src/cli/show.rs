//! `--show-settings FILE` and `--show-files`: what applies to a file, and what would be
//! linted.

use std::path::Path;
use std::sync::Arc;

use super::Outcome;
use crate::engine::discover::{Input, InputSource, SkipReason, Skipped, DEFAULT_INCLUDE};
use crate::engine::settings::{rule_levels, Origin, Settings};
use crate::report::EXIT_OK;
use crate::rules::Severity;
use crate::template::model::{classify, DocumentKind};

/// The column where the origins start.
const COMMENT_AT: usize = 36;

fn line(out: &mut String, text: &str, origin: &str) {
    let pad = COMMENT_AT.saturating_sub(text.chars().count()).max(1);
    out.push_str(text);
    out.push_str(&" ".repeat(pad));
    out.push_str("# ");
    out.push_str(origin);
    out.push('\n');
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn origin_or_default<T>(value: Option<&(T, Origin)>) -> String {
    value.map_or_else(|| "default".to_string(), |(_, o)| o.to_string())
}

/// The settings of `file` as YAML (a configuration file could hold it), each with its
/// origin in a comment.
pub(super) fn show_settings(
    file: &Path,
    settings: &Arc<Settings>,
    fail_on: Severity,
    fail_on_origin: &Origin,
) -> Outcome {
    let mut out = format!("# settings for {}\n", file.display());
    match &settings.config {
        Some(config) => out.push_str(&format!("# configuration: {config}\n")),
        None => out.push_str("# configuration: none\n"),
    }
    for section in &settings.per_file {
        out.push_str(&format!("# per_file: {section}\n"));
    }
    let origins = &settings.origins;
    line(
        &mut out,
        &format!("fail_on: {fail_on}"),
        &format!("{fail_on_origin} (a setting of the run)"),
    );
    let include = origins.include.as_ref();
    line(
        &mut out,
        &format!(
            "include: {}",
            list(&include.map(|(l, _)| l.clone()).unwrap_or_default())
        ),
        &format!(
            "{}; always {}",
            origin_or_default(include),
            DEFAULT_INCLUDE.join(" ")
        ),
    );
    let exclude = origins.exclude.as_ref();
    line(
        &mut out,
        &format!(
            "exclude: {}",
            list(&exclude.map(|(l, _)| l.clone()).unwrap_or_default())
        ),
        &origin_or_default(exclude),
    );
    if origins.guard_rules.is_empty() {
        line(&mut out, "guard_rules: []", "default");
    } else {
        out.push_str("guard_rules:\n");
        for (path, origin) in &origins.guard_rules {
            line(
                &mut out,
                &format!("  - {}", quoted(&path.to_string_lossy())),
                &origin.to_string(),
            );
        }
    }
    if origins.parameters.is_empty() {
        line(&mut out, "parameters: {}", "default");
    } else {
        out.push_str("parameters:\n");
        for (key, value, origin) in &origins.parameters {
            line(
                &mut out,
                &format!("  {key}: {}", quoted(value)),
                &origin.to_string(),
            );
        }
    }
    let require = origins.require_session_logging.as_ref();
    line(
        &mut out,
        &format!(
            "require_session_logging: {}",
            require.is_some_and(|(b, _)| *b)
        ),
        &origin_or_default(require),
    );
    let trusted = origins.trusted_principals.as_ref();
    line(
        &mut out,
        &format!(
            "trusted_principals: {}",
            list(&trusted.map(|(l, _)| l.clone()).unwrap_or_default())
        ),
        &origin_or_default(trusted),
    );
    // The rules at their own default level are left out: `ssmlint rules` lists those.
    let changed: Vec<_> = rule_levels(settings)
        .into_iter()
        .filter(|r| r.origin != Origin::Default || r.level != Some(r.default))
        .collect();
    if changed.is_empty() {
        line(
            &mut out,
            "rules: {}",
            "every rule at its default level (ssmlint rules)",
        );
    } else {
        line(
            &mut out,
            "rules:",
            "the others at their default level (ssmlint rules)",
        );
    }
    for rule in changed {
        let level = rule.level.map_or("off", Severity::as_str);
        line(
            &mut out,
            &format!("  {}: {level}", rule.code),
            &format!("{}; {}", rule.name, rule.origin),
        );
    }
    Outcome {
        stdout: out,
        stderr: String::new(),
        code: EXIT_OK,
    }
}

/// The files a run would lint, with what each is and whose settings apply, and the paths
/// it skips with the reason; sorted by path.
pub(super) fn show_files(
    inputs: &[Input],
    settings: &[Arc<Settings>],
    skipped: &[Skipped],
    skip_unsupported: bool,
) -> Outcome {
    let mut rows: Vec<(String, &str, String)> = Vec::new();
    let mut linted = 0;
    let mut unsupported = 0;
    for (input, settings) in inputs.iter().zip(settings) {
        let what = match &input.source {
            InputSource::File(path) => kind_of(path),
            InputSource::Stdin => "stdin".to_string(),
            InputSource::Unreadable(reason) => format!("cannot be read: {reason}"),
        };
        if what == UNSUPPORTED && (!input.explicit || skip_unsupported) {
            unsupported += 1;
            rows.push((
                input.name.clone(),
                "skip",
                "neither a template nor a policy".to_string(),
            ));
            continue;
        }
        linted += 1;
        let mut whose = match &settings.config {
            Some(config) => format!("settings of {config}"),
            None => "no configuration".to_string(),
        };
        for section in &settings.per_file {
            whose.push_str(&format!(", per_file {section}"));
        }
        rows.push((input.name.clone(), "lint", format!("{what}; {whose}")));
    }
    for skip in skipped {
        let name = if skip.is_dir {
            format!("{}/", skip.name.trim_end_matches('/'))
        } else {
            skip.name.clone()
        };
        let why = match &skip.reason {
            SkipReason::Excluded { pattern, origin } => match origin {
                Some(origin) => format!("excluded by `{pattern}` ({origin})"),
                None => format!("excluded by `{pattern}`"),
            },
            SkipReason::NotIncluded => format!(
                "not a file name linted ({}, or `include`)",
                DEFAULT_INCLUDE.join(" ")
            ),
            SkipReason::Hidden => "hidden".to_string(),
            SkipReason::Configuration => "a configuration file".to_string(),
            SkipReason::Ignored => "ignored (.gitignore, .ignore or git exclude)".to_string(),
        };
        rows.push((name, "skip", why));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, status, why) in &rows {
        let pad = width - name.chars().count();
        out.push_str(&format!("{status}  {name}{}  {why}\n", " ".repeat(pad)));
    }
    let skipped_count = skipped.len() + unsupported;
    out.push_str(&format!(
        "{linted} {} to lint, {skipped_count} skipped\n",
        if linted == 1 { "file" } else { "files" }
    ));
    Outcome {
        stdout: out,
        stderr: String::new(),
        code: EXIT_OK,
    }
}

const UNSUPPORTED: &str = "unsupported";

/// What a file is, as the linter would classify it.
fn kind_of(path: &Path) -> String {
    let Ok(bytes) = std::fs::read(path) else {
        return "cannot be read".to_string();
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return "not UTF-8".to_string();
    };
    match crate::syntax::parse(&text) {
        Err(_) => "does not parse".to_string(),
        Ok(root) => match classify(&root) {
            DocumentKind::Template => "template".to_string(),
            DocumentKind::Policy { has_principal, .. } => if has_principal {
                "resource policy"
            } else {
                "identity policy"
            }
            .to_string(),
            DocumentKind::SessionDocument => "session document".to_string(),
            DocumentKind::Unsupported => UNSUPPORTED.to_string(),
        },
    }
}

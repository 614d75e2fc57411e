//! Rules written in the Guard DSL, evaluated with the cfn-guard library (cargo feature
//! `guard`, on by default).
//!
//! `--rules PATH` and `guard_rules:` in `.ssmlint.yaml` add the user's own rule files
//! (`examples/guard/` has two, the Guard twins of SSM204 and SSM205). Each file is parsed
//! once per run. Guard sees the template as ssmlint parsed
//! it — long-form intrinsics, known values substituted, one variant per `Fn::If` branch
//! (see [`document`]) — and each failing clause's path is mapped back to its span in the
//! file, so a Guard finding is an ordinary [`Finding`]: it renders, filters, suppresses
//! and exports like a built-in one.
//!
//! Built with `--no-default-features`, ssmlint has no Guard support: `--rules` is a usage
//! error.

use std::path::PathBuf;
#[cfg(feature = "guard")]
use std::{path::Path, sync::Arc};

use crate::diagnostic::{Finding, RuleMeta};
use crate::rules::Context;

#[cfg(feature = "guard")]
mod document;
#[cfg(feature = "guard")]
mod engine;
#[cfg(feature = "guard")]
pub mod header;

/// The file extensions read from a directory given to `--rules`.
pub const EXTENSIONS: &[&str] = &["guard", "ruleset"];

/// The user's Guard rule files of a run.
#[derive(Clone, Default)]
pub struct GuardSet {
    #[cfg(feature = "guard")]
    user: Vec<Arc<engine::RuleFile>>,
    /// cfn-guard's answers of this run (shared by clones).
    #[cfg(feature = "guard")]
    cache: Arc<engine::Cache>,
}

impl std::fmt::Debug for GuardSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[cfg(feature = "guard")]
        let files: Vec<&str> = self.user.iter().map(|u| u.shown.as_str()).collect();
        #[cfg(not(feature = "guard"))]
        let files: Vec<&str> = Vec::new();
        f.debug_struct("GuardSet").field("user", &files).finish()
    }
}

/// Whether this build evaluates Guard rules.
pub const fn enabled() -> bool {
    cfg!(feature = "guard")
}

/// The `.guard` and `.ruleset` files a path names: itself, or those below it (sorted).
#[cfg(feature = "guard")]
fn rule_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("{shown}: cannot read: {}", crate::base::io_reason(&e)))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        return Err(format!("{shown}: cannot read: not a regular file"));
    }
    let mut out = Vec::new();
    let mut todo = vec![path.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            format!(
                "{}: cannot read: {}",
                dir.display(),
                crate::base::io_reason(&e)
            )
        })?;
        for entry in entries.filter_map(Result::ok) {
            let p = entry.path();
            if p.is_dir() {
                todo.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e))
            {
                out.push(p);
            }
        }
    }
    if out.is_empty() {
        return Err(format!(
            "{shown}: no Guard rule files (*.guard, *.ruleset) in this directory"
        ));
    }
    out.sort();
    Ok(out)
}

impl GuardSet {
    /// Reads, parses and validates the user's rule files (files or directories). Errors
    /// are `file:line:col: message`, one per problem.
    pub fn load(paths: &[PathBuf]) -> Result<GuardSet, Vec<String>> {
        if paths.is_empty() {
            return Ok(GuardSet::default());
        }
        #[cfg(not(feature = "guard"))]
        {
            Err(vec![
                "this ssmlint was built without Guard support (cargo feature `guard`): \
                 --rules and `guard_rules` are not available"
                    .to_string(),
            ])
        }
        #[cfg(feature = "guard")]
        {
            let mut errors = Vec::new();
            let mut user = Vec::new();
            let mut metas = engine::MetaCache::new();
            let mut files = Vec::new();
            for path in paths {
                match rule_files(path) {
                    Ok(found) => files.extend(found),
                    Err(e) => errors.push(e),
                }
            }
            files.dedup();
            for file in files {
                let shown = file.display().to_string();
                let text = match crate::base::io::read_regular_file(&file).map(String::from_utf8) {
                    Ok(Ok(text)) => text,
                    Ok(Err(_)) => {
                        errors.push(format!("{shown}: not UTF-8"));
                        continue;
                    }
                    Err(reason) => {
                        errors.push(format!("{shown}: cannot read: {reason}"));
                        continue;
                    }
                };
                match engine::parse_file(&shown, text, &mut metas) {
                    Ok(parsed) => user.push(Arc::new(parsed)),
                    Err(mut e) => errors.append(&mut e),
                }
            }
            if errors.is_empty() {
                Ok(GuardSet {
                    user,
                    ..GuardSet::default()
                })
            } else {
                Err(errors)
            }
        }
    }

    /// Parses and validates one rule file's text, shown as `shown` in messages (for
    /// tests and fuzzing; [`GuardSet::load`] reads files).
    pub fn from_text(shown: &str, text: &str) -> Result<GuardSet, Vec<String>> {
        #[cfg(not(feature = "guard"))]
        {
            let _ = (shown, text);
            GuardSet::load(&[PathBuf::from(shown)])
        }
        #[cfg(feature = "guard")]
        {
            let mut metas = engine::MetaCache::new();
            let parsed = engine::parse_file(shown, text.to_string(), &mut metas)?;
            Ok(GuardSet {
                user: vec![Arc::new(parsed)],
                ..GuardSet::default()
            })
        }
    }

    /// The metadata of the user's rules.
    pub fn user_rules(&self) -> Vec<&'static RuleMeta> {
        #[cfg(feature = "guard")]
        {
            let mut out: Vec<&'static RuleMeta> = Vec::new();
            for rule in self.user.iter().flat_map(|f| &f.rules) {
                if !out.iter().any(|m| std::ptr::eq(*m, rule.meta)) {
                    out.push(rule.meta);
                }
            }
            out
        }
        #[cfg(not(feature = "guard"))]
        Vec::new()
    }

    /// A user rule by code (`GUARD:name`, a header's code, any case) or name.
    pub fn find(&self, code_or_name: &str) -> Option<&'static RuleMeta> {
        self.user_rules().into_iter().find(|m| {
            m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name)
        })
    }

    /// Evaluates the user's rules on the template of `cx`; `should_run` says
    /// which codes run.
    pub fn check(
        &self,
        cx: &Context<'_>,
        should_run: &dyn Fn(&str) -> bool,
        out: &mut Vec<Finding>,
    ) {
        #[cfg(feature = "guard")]
        engine::check(
            cx,
            self.user.iter().map(|f| &**f),
            should_run,
            &self.cache,
            out,
        );
        #[cfg(not(feature = "guard"))]
        let _ = (cx, should_run, out);
    }
}

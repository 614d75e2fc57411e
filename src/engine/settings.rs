//! The settings of each linted file: those of the nearest `.ssmlint.yaml` above the file
//! (like ruff), else of the one above the working directory, then its `per_file`
//! sections that match the file, then the command line's flags. `--config PATH` gives
//! every file that one configuration, `--no-config` none.
//!
//! Configurations are not merged: the nearest one is the file's whole configuration.
//! Each directory is looked up once, each configuration file read once, and each
//! combination of a configuration and the `per_file` sections that match becomes one
//! [`Settings`], shared by every file it applies to.
//!
//! Three kinds of settings:
//!
//! - per file: `rules`, `parameters`, `require_session_logging`, `trusted_principals`
//!   (which `per_file` sections may change);
//! - per directory: `include`, `exclude` (for the files of a walked directory) and
//!   `guard_rules`;
//! - per run: `fail_on` decides the exit status of the whole run, so it is `--fail-on`,
//!   else the `fail_on` of the configuration above the working directory (or of
//!   `--config`).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use globset::{Glob, GlobMatcher};

use super::config::{self, Config, PerFile, CONFIG_NAMES};
use super::discover::{FilterLookup, Filters, Input, InputSource};
use super::LintOptions;
use crate::base::paths;
use crate::guard::GuardSet;
use crate::rules::{find_rule, Severity, ALL_RULES};

/// Which configuration files apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The nearest above each file (the default).
    Nearest,
    /// This one for every file (`--config PATH`).
    Named(PathBuf),
    /// None (`--no-config`).
    NoConfig,
}

/// What the command line sets; it wins over every configuration file. Rule names that
/// are not built-in are codes or names of Guard rules, resolved against each
/// configuration's Guard rules.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub fail_on: Option<Severity>,
    pub select: Vec<&'static str>,
    pub ignore: Vec<&'static str>,
    /// `--severity CODE=LEVEL`, `None` for `off`; a later one wins.
    pub severity: Vec<(&'static str, Option<Severity>)>,
    pub parameters: Vec<(String, String)>,
    /// `--include`, `--exclude`: when given, they replace every file's lists.
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
    /// `--rules PATH`: added to every configuration's `guard_rules`.
    pub guard_rules: Vec<PathBuf>,
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    /// A configuration file, as shown.
    Config(String),
    /// A `per_file` section: its pattern and where it is written.
    PerFile {
        pattern: String,
        at: String,
    },
    /// A command-line flag.
    Flag(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::Config(shown) => f.write_str(shown),
            Origin::PerFile { pattern, at } => write!(f, "per_file \"{pattern}\" ({at})"),
            Origin::Flag(flag) => f.write_str(flag),
        }
    }
}

/// Where each setting of a [`Settings`] comes from, for `--show-settings`.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// A rule's level, by code, when not the default.
    pub rules: HashMap<&'static str, Origin>,
    /// Each parameter's value and origin, by name, in order.
    pub parameters: Vec<(String, String, Origin)>,
    pub require_session_logging: Option<(bool, Origin)>,
    pub trusted_principals: Option<(Vec<String>, Origin)>,
    pub include: Option<(Vec<String>, Origin)>,
    pub exclude: Option<(Vec<String>, Origin)>,
    pub guard_rules: Vec<(PathBuf, Origin)>,
}

/// The settings of one file.
#[derive(Debug)]
pub struct Settings {
    pub options: LintOptions,
    /// The configuration file, as shown; `None` when none applies.
    pub config: Option<String>,
    /// The `per_file` sections that match, as `pattern (file:line:col)`.
    pub per_file: Vec<String>,
    pub origins: Origins,
}

/// The flags' and a configuration's settings as lint options (without Guard rules),
/// with `sections`, the configuration's `per_file` sections that apply, in order: flags
/// override the file, later `--severity` flags for the same rule win, and a rule named
/// in `--select` runs even if the file turns it off.
pub fn options_for(
    config: &Config,
    sections: &[&PerFile],
    overrides: &Overrides,
) -> (LintOptions, Origins) {
    let mut origins = Origins::default();
    let shown = Origin::Config(config.shown.clone().unwrap_or_default());
    let mut severities = HashMap::new();
    let mut off = HashSet::new();
    let set = |(severities, off, origins): (&mut HashMap<_, _>, &mut HashSet<_>, &mut Origins),
               code: &'static str,
               level: Option<Severity>,
               origin: Origin| {
        match level {
            Some(level) => {
                severities.insert(code, level);
                off.remove(code);
            }
            None => {
                off.insert(code);
            }
        }
        origins.rules.insert(code, origin);
    };
    for &(code, level) in &config.rules {
        set(
            (&mut severities, &mut off, &mut origins),
            code,
            level,
            shown.clone(),
        );
    }
    for section in sections {
        let origin = per_file_origin(section);
        for &(code, level) in &section.rules {
            set(
                (&mut severities, &mut off, &mut origins),
                code,
                level,
                origin.clone(),
            );
        }
    }
    for code in &overrides.select {
        if off.remove(code) {
            origins.rules.insert(code, Origin::Flag("--select"));
        }
    }
    for &(code, level) in &overrides.severity {
        let origin = Origin::Flag("--severity");
        set(
            (&mut severities, &mut off, &mut origins),
            code,
            level,
            origin,
        );
    }
    let mut ignore = overrides.ignore.clone();
    for code in &overrides.ignore {
        origins.rules.insert(code, Origin::Flag("--ignore"));
    }
    ignore.extend(off.iter().copied());
    ignore.sort_unstable();
    ignore.dedup();
    let select = (!overrides.select.is_empty()).then(|| {
        let mut select = overrides.select.clone();
        select.sort_unstable();
        select.dedup();
        select
    });

    let mut parameters: Vec<(String, String, Origin)> = Vec::new();
    let mut add_parameter = |key: &str, value: &str, origin: Origin| {
        parameters.retain(|(k, _, _)| k != key);
        parameters.push((key.to_string(), value.to_string(), origin));
    };
    for (key, value) in &config.parameters {
        add_parameter(key, value, shown.clone());
    }
    for section in sections {
        for (key, value) in &section.parameters {
            add_parameter(key, value, per_file_origin(section));
        }
    }
    for (key, value) in &overrides.parameters {
        add_parameter(key, value, Origin::Flag("--parameter"));
    }

    origins.require_session_logging = config.require_session_logging.map(|b| (b, shown.clone()));
    origins.trusted_principals = (!config.trusted_principals.is_empty())
        .then(|| (config.trusted_principals.clone(), shown.clone()));
    for section in sections {
        if let Some(b) = section.require_session_logging {
            origins.require_session_logging = Some((b, per_file_origin(section)));
        }
        if !section.trusted_principals.is_empty() {
            origins.trusted_principals =
                Some((section.trusted_principals.clone(), per_file_origin(section)));
        }
    }
    let rule_settings = config::rule_settings(
        origins.require_session_logging.as_ref().map(|(b, _)| *b),
        origins
            .trusted_principals
            .as_ref()
            .map_or(&[][..], |(t, _)| t.as_slice()),
    );
    let options = LintOptions {
        parameters: parameters
            .iter()
            .map(|(k, v, _)| (k.clone(), v.clone()))
            .collect(),
        severities,
        select,
        ignore,
        rule_settings,
        guard: GuardSet::default(),
    };
    origins.parameters = parameters;
    (options, origins)
}

fn per_file_origin(section: &PerFile) -> Origin {
    Origin::PerFile {
        pattern: section.pattern.glob().to_string(),
        at: section.at.clone(),
    }
}

/// One configuration (or none), read once, with what is computed from it.
struct Loaded {
    config: Config,
    /// Its absolute directory; `None` for no configuration.
    dir: Option<PathBuf>,
    filters: Arc<Filters>,
    per_file: Vec<GlobMatcher>,
    guard: OnceLock<Result<GuardSet, Vec<String>>>,
    /// By the indices of the `per_file` sections that match.
    variants: Mutex<HashMap<Vec<usize>, Arc<Settings>>>,
}

#[derive(Default)]
struct State {
    /// Absolute directory → the nearest configuration in it or above it.
    dirs: HashMap<PathBuf, Option<Arc<Loaded>>>,
    /// Configuration file → what it gave.
    files: HashMap<PathBuf, Arc<Loaded>>,
    errors: Vec<String>,
}

/// Finds and caches every file's settings; see the module documentation.
pub struct Resolver {
    cwd: PathBuf,
    choice: ConfigChoice,
    overrides: Overrides,
    /// No configuration: the flags alone.
    none: Arc<Loaded>,
    /// `--config PATH`.
    named: Option<Arc<Loaded>>,
    state: Mutex<State>,
    /// Rule names of the flags that are not built-in, and whether some configuration's
    /// Guard rules have them.
    names: Mutex<HashMap<&'static str, bool>>,
    /// The user's Guard rules seen so far, for hints.
    guard_rules: Mutex<Vec<&'static crate::rules::RuleMeta>>,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("cwd", &self.cwd)
            .field("choice", &self.choice)
            .finish_non_exhaustive()
    }
}

impl Resolver {
    /// `cwd` is the absolute working directory. A configuration named with `--config`
    /// is read now: its errors, one per line, are the error.
    pub fn new(
        cwd: PathBuf,
        choice: ConfigChoice,
        overrides: Overrides,
    ) -> Result<Resolver, String> {
        let none = Arc::new(loaded(Config::default(), None, &overrides, &cwd)?);
        let named = match &choice {
            ConfigChoice::Named(path) => {
                let config =
                    Config::load(path, &path.to_string_lossy()).map_err(|e| e.to_string())?;
                let dir = paths::absolute(&cwd, path).parent().map(Path::to_path_buf);
                Some(Arc::new(loaded(config, dir, &overrides, &cwd)?))
            }
            _ => None,
        };
        let mut names = HashMap::new();
        for code in overrides
            .select
            .iter()
            .chain(&overrides.ignore)
            .chain(overrides.severity.iter().map(|(c, _)| c))
        {
            if find_rule(code).is_none() {
                names.insert(*code, false);
            }
        }
        Ok(Resolver {
            cwd,
            choice,
            overrides,
            none,
            named,
            state: Mutex::default(),
            names: Mutex::new(names),
            guard_rules: Mutex::default(),
        })
    }

    /// The settings of the file at `path` (relative to the working directory, or
    /// absolute).
    pub fn settings_for(&self, path: &Path) -> Arc<Settings> {
        let absolute = paths::absolute(&self.cwd, path);
        let dir = absolute.parent().unwrap_or(&absolute).to_path_buf();
        let loaded = self.config_for_dir(&dir);
        let relative = loaded
            .dir
            .as_deref()
            .and_then(|d| absolute.strip_prefix(d).ok());
        let name = absolute.file_name().map(Path::new);
        let sections: Vec<usize> = loaded
            .per_file
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                relative.is_some_and(|r| m.is_match(r)) || name.is_some_and(|n| m.is_match(n))
            })
            .map(|(i, _)| i)
            .collect();
        let mut variants = match loaded.variants.lock() {
            Ok(variants) => variants,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(settings) = variants.get(&sections) {
            return Arc::clone(settings);
        }
        let settings = Arc::new(self.build(&loaded, &sections));
        variants.insert(sections, Arc::clone(&settings));
        settings
    }

    /// The settings of an input: a file by its path, stdin by `--stdin-filename` (else as
    /// a file of the working directory).
    pub fn settings_for_input(&self, input: &Input) -> Arc<Settings> {
        match &input.source {
            InputSource::File(path) => self.settings_for(path),
            InputSource::Stdin | InputSource::Unreadable(_) => {
                self.settings_for(Path::new(&input.name))
            }
        }
    }

    /// The run's `fail_on`: the flag, else the configuration of the working directory
    /// (or of `--config`), else `error`.
    pub fn fail_on(&self) -> (Severity, Origin) {
        if let Some(level) = self.overrides.fail_on {
            return (level, Origin::Flag("--fail-on"));
        }
        let loaded = match &self.choice {
            ConfigChoice::Nearest => self.config_for_dir(&self.cwd.clone()),
            _ => self.named.clone().unwrap_or_else(|| Arc::clone(&self.none)),
        };
        match (loaded.config.fail_on, &loaded.config.shown) {
            (Some(level), Some(shown)) => (level, Origin::Config(shown.clone())),
            _ => (Severity::Error, Origin::Default),
        }
    }

    /// Every error so far: mistakes in configuration files and Guard rule files, and rule
    /// names of the flags that no rule has. Each is one line.
    pub fn errors(&self) -> Vec<String> {
        let state = lock(&self.state);
        let mut errors = state.errors.clone();
        let mut configs: Vec<&Arc<Loaded>> = state.files.values().collect();
        configs.extend(self.named.iter());
        configs.push(&self.none);
        let mut seen = HashSet::new();
        for loaded in configs {
            if let Some(Err(guard_errors)) = loaded.guard.get() {
                for e in guard_errors {
                    if seen.insert(e.clone()) {
                        errors.push(e.clone());
                    }
                }
            }
        }
        drop(state);
        let names = lock(&self.names);
        let mut unknown: Vec<&&'static str> = names
            .iter()
            .filter(|(_, found)| !**found)
            .map(|(name, _)| name)
            .collect();
        unknown.sort();
        let user = lock(&self.guard_rules);
        for name in unknown {
            let candidates = user.iter().flat_map(|m| [m.code, m.name]);
            errors.push(match crate::base::text::closest(name, candidates) {
                Some(best) => format!("unknown rule `{name}`; did you mean `{best}`?"),
                None => format!(
                    "unknown rule `{name}`: no built-in rule and no Guard rule of --rules has \
                     this code or name; `ssmlint rules` lists the built-in ones"
                ),
            });
        }
        errors
    }

    /// The configuration for the files of the absolute directory `dir`.
    fn config_for_dir(&self, dir: &Path) -> Arc<Loaded> {
        match &self.choice {
            ConfigChoice::NoConfig => Arc::clone(&self.none),
            ConfigChoice::Named(_) => self.named.clone().unwrap_or_else(|| Arc::clone(&self.none)),
            ConfigChoice::Nearest => self
                .nearest(dir)
                .or_else(|| self.nearest(&self.cwd.clone()))
                .unwrap_or_else(|| Arc::clone(&self.none)),
        }
    }

    /// The nearest configuration in `dir` or above it; each directory is looked at once.
    fn nearest(&self, dir: &Path) -> Option<Arc<Loaded>> {
        let mut state = lock(&self.state);
        let mut unknown = Vec::new();
        let mut found = None;
        for ancestor in dir.ancestors() {
            if let Some(cached) = state.dirs.get(ancestor) {
                found = cached.clone();
                break;
            }
            unknown.push(ancestor.to_path_buf());
            if let Some(path) = CONFIG_NAMES
                .iter()
                .map(|name| ancestor.join(name))
                .find(|path| path.is_file())
            {
                found = Some(self.load(&mut state, &path));
                break;
            }
        }
        for dir in unknown {
            state.dirs.insert(dir, found.clone());
        }
        found
    }

    /// Reads a configuration file (once); a mistake is recorded, and the file then
    /// counts as empty.
    fn load(&self, state: &mut State, path: &Path) -> Arc<Loaded> {
        if let Some(loaded) = state.files.get(path) {
            return Arc::clone(loaded);
        }
        let shown = config::shown_path(path, &self.cwd);
        let config = match Config::load(path, &shown) {
            Ok(config) => config,
            Err(err) => {
                state.errors.extend(err.messages);
                Config {
                    shown: Some(shown),
                    ..Config::default()
                }
            }
        };
        let dir = path.parent().map(Path::to_path_buf);
        let loaded = match loaded(config, dir, &self.overrides, &self.cwd) {
            Ok(loaded) => Arc::new(loaded),
            Err(message) => {
                state.errors.push(message);
                Arc::clone(&self.none)
            }
        };
        state.files.insert(path.to_path_buf(), Arc::clone(&loaded));
        loaded
    }

    fn build(&self, loaded: &Loaded, sections: &[usize]) -> Settings {
        let config = &loaded.config;
        let per_file: Vec<&PerFile> = sections
            .iter()
            .filter_map(|&i| config.per_file.get(i))
            .collect();
        let (mut options, mut origins) = options_for(config, &per_file, &self.overrides);
        let guard_paths: Vec<PathBuf> = config
            .guard_rules
            .iter()
            .chain(&self.overrides.guard_rules)
            .cloned()
            .collect();
        let shown = Origin::Config(config.shown.clone().unwrap_or_default());
        origins.guard_rules = config
            .guard_rules
            .iter()
            .map(|p| (p.clone(), shown.clone()))
            .chain(
                self.overrides
                    .guard_rules
                    .iter()
                    .map(|p| (p.clone(), Origin::Flag("--rules"))),
            )
            .collect();
        let guard = loaded
            .guard
            .get_or_init(|| GuardSet::load(&guard_paths))
            .clone()
            .unwrap_or_default();
        {
            let mut user = lock(&self.guard_rules);
            for meta in guard.user_rules() {
                if !user.iter().any(|m| std::ptr::eq(*m, meta)) {
                    user.push(meta);
                }
            }
        }
        self.resolve_names(&mut options, &guard);
        options.guard = guard;
        let list = |globs: &[Glob]| globs.iter().map(|g| g.glob().to_string()).collect();
        origins.include = if !self.overrides.include.is_empty() {
            Some((list(&self.overrides.include), Origin::Flag("--include")))
        } else {
            (!config.include.is_empty()).then(|| (list(&config.include), shown.clone()))
        };
        origins.exclude = if !self.overrides.exclude.is_empty() {
            Some((list(&self.overrides.exclude), Origin::Flag("--exclude")))
        } else {
            (!config.exclude.is_empty()).then(|| (list(&config.exclude), shown.clone()))
        };
        Settings {
            options,
            config: config.shown.clone(),
            per_file: per_file
                .iter()
                .map(|s| format!("{} ({})", s.pattern.glob(), s.at))
                .collect(),
            origins,
        }
    }

    /// Turns the flags' rule names that are not built-in into the codes of `guard`'s
    /// rules, noting which names some configuration's Guard rules have.
    fn resolve_names(&self, options: &mut LintOptions, guard: &GuardSet) {
        let mut names = lock(&self.names);
        let mut resolve = |code: &'static str| -> &'static str {
            if find_rule(code).is_some() {
                return code;
            }
            match guard.find(code) {
                Some(meta) => {
                    names.insert(code, true);
                    meta.code
                }
                None => code,
            }
        };
        if let Some(select) = &mut options.select {
            for code in select.iter_mut() {
                *code = resolve(code);
            }
        }
        for code in &mut options.ignore {
            *code = resolve(code);
        }
        let severities = std::mem::take(&mut options.severities);
        for (code, level) in severities {
            options.severities.insert(resolve(code), level);
        }
    }
}

impl FilterLookup for Resolver {
    fn filters(&self, dir: &Path) -> Arc<Filters> {
        let absolute = paths::absolute(&self.cwd, dir);
        Arc::clone(&self.config_for_dir(&absolute).filters)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// What is computed once from a configuration: its filters (the flags' lists replace
/// its own) and its `per_file` matchers.
fn loaded(
    config: Config,
    dir: Option<PathBuf>,
    overrides: &Overrides,
    cwd: &Path,
) -> Result<Loaded, String> {
    let (include, exclude, origin) = if overrides.include.is_empty() && overrides.exclude.is_empty()
    {
        (&config.include, &config.exclude, config.shown.clone())
    } else {
        let include = if overrides.include.is_empty() {
            &config.include
        } else {
            &overrides.include
        };
        let exclude = if overrides.exclude.is_empty() {
            &config.exclude
        } else {
            &overrides.exclude
        };
        let origin = if overrides.exclude.is_empty() {
            config.shown.clone()
        } else {
            Some("--exclude".to_string())
        };
        (include, exclude, origin)
    };
    let mut filters = Filters::new(include, exclude).map_err(|e| format!("invalid glob: {e}"))?;
    filters.origin = origin.clone();
    if let Some(dir) = &dir {
        filters = filters.relative_to(dir.clone(), cwd.to_path_buf(), origin);
    }
    let per_file = config
        .per_file
        .iter()
        .map(|s| s.pattern.compile_matcher())
        .collect();
    Ok(Loaded {
        config,
        dir,
        filters: Arc::new(filters),
        per_file,
        guard: OnceLock::new(),
        variants: Mutex::default(),
    })
}

/// One rule's level in some [`Settings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLevel {
    pub code: &'static str,
    pub name: &'static str,
    /// `None` when the rule does not run.
    pub level: Option<Severity>,
    /// The rule's own default.
    pub default: Severity,
    pub origin: Origin,
}

/// Every built-in rule and the user's Guard rules with their level for these settings.
pub fn rule_levels(settings: &Settings) -> Vec<RuleLevel> {
    let options = &settings.options;
    let user = options.guard.user_rules();
    ALL_RULES
        .iter()
        .map(|r| r.meta())
        .chain(user)
        .map(|meta| {
            let level = options.is_enabled(meta.code).then(|| {
                if find_rule(meta.code).is_some() {
                    options.severity_of(meta)
                } else {
                    options
                        .severities
                        .get(meta.code)
                        .copied()
                        .unwrap_or(meta.severity)
                }
            });
            let origin = settings
                .origins
                .rules
                .get(meta.code)
                .cloned()
                .or_else(|| {
                    options
                        .select
                        .as_ref()
                        .is_some_and(|s| !s.contains(&meta.code))
                        .then_some(Origin::Flag("--select"))
                })
                .unwrap_or(Origin::Default);
            RuleLevel {
                code: meta.code,
                name: meta.name,
                level,
                default: meta.severity,
                origin,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_shared_by_directory_and_per_file_sections() {
        let root = std::env::temp_dir().join(format!("ssmlint-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("legacy/deep")).unwrap();
        std::fs::create_dir_all(root.join("team")).unwrap();
        std::fs::write(
            root.join(".ssmlint.yaml"),
            "rules: {SSM100: warning}\nper_file: {\"legacy/**\": {rules: {SSM201: off}}}\n",
        )
        .unwrap();
        std::fs::write(root.join("team/.ssmlint.yml"), "rules: {SSM100: off}\n").unwrap();
        let resolver =
            Resolver::new(root.clone(), ConfigChoice::Nearest, Overrides::default()).unwrap();
        let a = resolver.settings_for(Path::new("a.yaml"));
        let b = resolver.settings_for(&root.join("b.yaml"));
        assert!(
            Arc::ptr_eq(&a, &b),
            "one Settings for the files of one configuration"
        );
        let old = resolver.settings_for(Path::new("legacy/deep/x.yaml"));
        let old2 = resolver.settings_for(Path::new("legacy/y.json"));
        assert!(Arc::ptr_eq(&old, &old2));
        assert!(!Arc::ptr_eq(&a, &old));
        assert!(old.options.ignore.contains(&"SSM201") && !a.options.ignore.contains(&"SSM201"));
        let team = resolver.settings_for(Path::new("team/t.yaml"));
        assert_eq!(team.config.as_deref(), Some("team/.ssmlint.yml"));
        assert!(team.options.ignore.contains(&"SSM100"));
        assert_eq!(lock(&resolver.state).files.len(), 2, "each file read once");
        assert!(resolver.errors().is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }
}

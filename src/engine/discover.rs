//! Which files to lint: files named on the command line, directories walked (hidden and
//! `.gitignore`d entries skipped, include/exclude globs applied), and stdin.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::base::{io_reason, paths};

/// The file patterns linted when walking a directory, before `--include` adds more.
pub const DEFAULT_INCLUDE: &[&str] = &["*.yaml", "*.yml", "*.json", "*.template", "*.cfn"];

/// The display name of stdin when `--stdin-filename` is not given.
pub const STDIN_NAME: &str = "<stdin>";

/// Where the bytes of one input come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    File(PathBuf),
    Stdin,
    /// The path could not be read or walked; the reason.
    Unreadable(String),
}

/// One file to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The name shown in reports: the path as given, or joined from the directory given.
    pub name: String,
    pub source: InputSource,
    /// Named on the command line (or stdin), as opposed to found by walking a directory.
    pub explicit: bool,
}

/// Include and exclude patterns.
#[derive(Debug, Clone)]
pub struct Filters {
    include: GlobSet,
    exclude: GlobSet,
    /// The exclude patterns as written, by index in `exclude`.
    exclude_patterns: Vec<String>,
    /// Where the patterns come from (`.ssmlint.yaml`, `--exclude`), for `--show-files`.
    pub origin: Option<String>,
    /// The configuration file's directory and the working directory, both absolute:
    /// patterns of a configuration file also match paths relative to its directory.
    base: Option<(PathBuf, PathBuf)>,
}

impl Filters {
    /// The same filters, whose patterns also match paths relative to `dir`, a
    /// configuration file's directory (both `dir` and `cwd` absolute), naming `origin`.
    #[must_use]
    pub fn relative_to(mut self, dir: PathBuf, cwd: PathBuf, origin: Option<String>) -> Filters {
        self.base = Some((dir, cwd));
        self.origin = origin;
        self
    }

    /// The path `shown` (as walked) relative to the configuration's directory.
    fn below_base(&self, shown: &Path) -> Option<PathBuf> {
        let (dir, cwd) = self.base.as_ref()?;
        let absolute = paths::absolute(cwd, shown);
        absolute.strip_prefix(dir).ok().map(Path::to_path_buf)
    }

    /// The default include patterns plus `include`, and the `exclude` patterns.
    pub fn new(include: &[Glob], exclude: &[Glob]) -> Result<Filters, globset::Error> {
        let mut inc = GlobSetBuilder::new();
        for pattern in DEFAULT_INCLUDE {
            inc.add(Glob::new(pattern)?);
        }
        for glob in include {
            inc.add(glob.clone());
        }
        let mut exc = GlobSetBuilder::new();
        for glob in exclude {
            exc.add(glob.clone());
        }
        Ok(Filters {
            include: inc.build()?,
            exclude: exc.build()?,
            exclude_patterns: exclude.iter().map(|g| g.glob().to_string()).collect(),
            origin: None,
            base: None,
        })
    }

    /// A walked file is linted when its name, its path below the walked directory or its
    /// path below the configuration's directory matches.
    fn is_included(&self, relative: &Path, shown: &Path) -> bool {
        matches_any(&self.include, relative)
            || self
                .below_base(shown)
                .is_some_and(|p| self.include.is_match(p))
    }

    /// Excludes match the file name, the path below the walked directory, the path shown,
    /// or the path below the configuration's directory.
    #[cfg(test)]
    fn is_excluded(&self, relative: &Path, shown: &Path) -> bool {
        self.exclusion(relative, shown).is_some()
    }

    /// The exclude pattern that matches, if one does.
    fn exclusion(&self, relative: &Path, shown: &Path) -> Option<&str> {
        if self.exclude.is_empty() {
            return None;
        }
        let mut candidates = vec![relative.to_path_buf(), shown.to_path_buf()];
        candidates.extend(relative.file_name().map(PathBuf::from));
        candidates.extend(self.below_base(shown));
        candidates
            .iter()
            .find_map(|p| self.exclude.matches(p).first().copied())
            .and_then(|i| self.exclude_patterns.get(i))
            .map(String::as_str)
    }
}

impl Default for Filters {
    fn default() -> Self {
        Filters::new(&[], &[]).unwrap_or_else(|_| Filters {
            include: GlobSet::empty(),
            exclude: GlobSet::empty(),
            exclude_patterns: Vec::new(),
            origin: None,
            base: None,
        })
    }
}

/// Which filters apply to the entries of a directory: those of the nearest
/// configuration file (see [`super::settings`]).
pub trait FilterLookup: Send + Sync {
    /// The filters for the entries of `dir` (as walked: relative to the working
    /// directory, or absolute).
    fn filters(&self, dir: &Path) -> Arc<Filters>;
}

/// The same filters everywhere.
struct Everywhere(Arc<Filters>);

impl FilterLookup for Everywhere {
    fn filters(&self, _dir: &Path) -> Arc<Filters> {
        Arc::clone(&self.0)
    }
}

/// Why a path is not linted (`--show-files`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// An exclude pattern matches; where it is written.
    Excluded {
        pattern: String,
        origin: Option<String>,
    },
    /// Walked, but its name matches no include pattern.
    NotIncluded,
    /// A hidden file or directory (its name starts with `.`).
    Hidden,
    /// A configuration file of ssmlint.
    Configuration,
    /// Ignored by a `.gitignore`, `.ignore` or git exclude file.
    Ignored,
}

/// A path that is not linted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// As shown: joined from the directory given.
    pub name: String,
    pub is_dir: bool,
    pub reason: SkipReason,
}

fn matches_any(set: &GlobSet, path: &Path) -> bool {
    set.is_match(path) || path.file_name().is_some_and(|name| set.is_match(name))
}

/// Turns command-line paths into the list of inputs, in the order given; files found in a
/// directory come sorted by path. `-` is stdin, shown as `stdin_name`. A file reached
/// twice (named twice, or named and found in a directory given too, under any spelling of
/// its path) is linted once, where it first comes, and counts as named if it was named.
pub fn discover(paths: &[PathBuf], stdin_name: &str, filters: &Filters) -> Vec<Input> {
    let lookup: Arc<dyn FilterLookup> = Arc::new(Everywhere(Arc::new(filters.clone())));
    discover_with(paths, stdin_name, &lookup, None)
}

/// [`discover`] with the filters of each directory from `lookup`; when `skipped` is
/// given, every path not linted is recorded there with the reason (for `--show-files`:
/// this walks the hidden and ignored entries too, without descending into them).
pub fn discover_with(
    paths: &[PathBuf],
    stdin_name: &str,
    lookup: &Arc<dyn FilterLookup>,
    mut skipped: Option<&mut Vec<Skipped>>,
) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input {
                name: stdin_name.to_string(),
                source: InputSource::Stdin,
                explicit: true,
            });
            continue;
        }
        let shown = display(path);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                walk(path, lookup, &mut inputs, skipped.as_deref_mut());
            }
            Ok(_) => {
                let relative = Path::new(path.file_name().unwrap_or(path.as_os_str()));
                let filters = lookup.filters(parent_of(path));
                match filters.exclusion(relative, path) {
                    None => inputs.push(Input {
                        name: shown,
                        source: InputSource::File(path.clone()),
                        explicit: true,
                    }),
                    Some(pattern) => {
                        if let Some(skipped) = skipped.as_deref_mut() {
                            skipped.push(Skipped {
                                name: shown,
                                is_dir: false,
                                reason: SkipReason::Excluded {
                                    pattern: pattern.to_string(),
                                    origin: filters.origin.clone(),
                                },
                            });
                        }
                    }
                }
            }
            Err(err) => inputs.push(Input {
                name: shown,
                source: InputSource::Unreadable(io_reason(&err)),
                explicit: true,
            }),
        }
    }
    dedup(inputs)
}

/// What makes two inputs the same.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Identity {
    Stdin,
    /// The canonical path of a file (as written when it cannot be resolved).
    File(PathBuf),
    Unreadable(String),
}

fn dedup(inputs: Vec<Input>) -> Vec<Input> {
    let mut first_at: HashMap<Identity, usize> = HashMap::new();
    let mut out: Vec<Input> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let identity = match &input.source {
            InputSource::Stdin => Identity::Stdin,
            InputSource::File(path) => {
                Identity::File(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
            }
            InputSource::Unreadable(_) => Identity::Unreadable(input.name.clone()),
        };
        match first_at.get(&identity) {
            Some(&i) => {
                if let Some(first) = out.get_mut(i) {
                    first.explicit |= input.explicit;
                }
            }
            None => {
                first_at.insert(identity, out.len());
                out.push(input);
            }
        }
    }
    out
}

/// The directory of a path as walked (`a.yaml` → ``, which is the working directory).
fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

fn walk(
    root: &Path,
    lookup: &Arc<dyn FilterLookup>,
    inputs: &mut Vec<Input>,
    mut skipped: Option<&mut Vec<Skipped>>,
) {
    let prune = Arc::clone(lookup);
    let prune_root = root.to_path_buf();
    let recording = skipped.is_some();
    let pruned: Arc<Mutex<Vec<Skipped>>> = Arc::default();
    let pruned_in_walk = Arc::clone(&pruned);
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            // Prune excluded directories; files are filtered below.
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let path = entry.path();
            let filters = prune.filters(parent_of(path));
            let relative = relative_to(&prune_root, path);
            let Some(pattern) = filters.exclusion(relative, path) else {
                return true;
            };
            if recording {
                if let Ok(mut pruned) = pruned_in_walk.lock() {
                    pruned.push(Skipped {
                        name: display(&shown_path(&prune_root, relative)),
                        is_dir: true,
                        reason: SkipReason::Excluded {
                            pattern: pattern.to_string(),
                            origin: filters.origin.clone(),
                        },
                    });
                }
            }
            false
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if recording {
                    seen.insert(path.to_path_buf());
                }
                let is_file = match entry.file_type() {
                    Some(t) if t.is_file() => true,
                    Some(t) if t.is_symlink() => path.is_file(),
                    _ => false,
                };
                if !is_file {
                    continue;
                }
                let relative = relative_to(root, path);
                let shown = shown_path(root, relative);
                let filters = lookup.filters(parent_of(path));
                let reason = if !filters.is_included(relative, &shown) {
                    Some(SkipReason::NotIncluded)
                } else {
                    filters
                        .exclusion(relative, &shown)
                        .map(|pattern| SkipReason::Excluded {
                            pattern: pattern.to_string(),
                            origin: filters.origin.clone(),
                        })
                };
                match (reason, skipped.as_deref_mut()) {
                    (None, _) => inputs.push(Input {
                        name: display(&shown),
                        source: InputSource::File(path.to_path_buf()),
                        explicit: false,
                    }),
                    (Some(reason), Some(skipped)) => skipped.push(Skipped {
                        name: display(&shown),
                        is_dir: false,
                        reason,
                    }),
                    (Some(_), None) => {}
                }
            }
            Err(err) => {
                let name = error_path(&err).map_or_else(|| display(root), display);
                if recording {
                    if let Some(path) = error_path(&err) {
                        seen.insert(path.to_path_buf());
                    }
                }
                inputs.push(Input {
                    name,
                    source: InputSource::Unreadable(walk_reason(&err)),
                    explicit: false,
                });
            }
        }
    }
    if let Some(skipped) = skipped {
        let pruned = pruned.lock().map(|p| p.clone()).unwrap_or_default();
        let mut known: HashSet<String> = pruned.iter().map(|s| s.name.clone()).collect();
        known.extend(skipped.iter().map(|s| s.name.clone()));
        skipped.extend(pruned);
        hidden_and_ignored(root, root, &seen, &known, skipped);
    }
}

/// The entries below `dir` that the walk did not see and that are not recorded as
/// excluded: hidden or ignored. Directories the walk saw are descended into; others are
/// reported whole.
fn hidden_and_ignored(
    root: &Path,
    dir: &Path,
    seen: &HashSet<PathBuf>,
    known: &HashSet<String>,
    out: &mut Vec<Skipped>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(PathBuf, bool)> = entries
        .flatten()
        .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
        .collect();
    entries.sort();
    for (path, is_dir) in entries {
        if seen.contains(&path) {
            if is_dir {
                hidden_and_ignored(root, &path, seen, known, out);
            }
            continue;
        }
        let name = display(&shown_path(root, relative_to(root, &path)));
        if known.contains(&name) {
            continue;
        }
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let reason = match file_name.as_deref() {
            Some(n) if super::config::CONFIG_NAMES.contains(&n) => SkipReason::Configuration,
            Some(n) if n.starts_with('.') => SkipReason::Hidden,
            _ => SkipReason::Ignored,
        };
        out.push(Skipped {
            name,
            is_dir,
            reason,
        });
    }
}

fn relative_to<'p>(root: &Path, path: &'p Path) -> &'p Path {
    path.strip_prefix(root).unwrap_or(path)
}

/// `dir` + `sub/file.yaml` → `dir/sub/file.yaml`; `.` + `file.yaml` → `file.yaml`.
fn shown_path(root: &Path, relative: &Path) -> PathBuf {
    if root.components().all(|c| c == Component::CurDir) {
        relative.to_path_buf()
    } else {
        root.join(relative)
    }
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn walk_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_reason(err),
        ignore::Error::Io(io) => io_reason(io),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_path_joins_the_given_root() {
        assert_eq!(
            shown_path(Path::new("dir"), Path::new("sub/a.yaml")),
            PathBuf::from("dir/sub/a.yaml")
        );
        assert_eq!(
            shown_path(Path::new("."), Path::new("a.yaml")),
            PathBuf::from("a.yaml")
        );
    }

    #[test]
    fn default_includes_match_names_and_excludes_match_paths() {
        let exclude = [
            Glob::new("vendor/**").unwrap(),
            Glob::new("*.json").unwrap(),
        ];
        let filters = Filters::new(&[], &exclude).unwrap();
        assert!(filters.is_included(Path::new("a/b.cfn"), Path::new("a/b.cfn")));
        assert!(!filters.is_included(Path::new("a/b.txt"), Path::new("a/b.txt")));
        assert!(filters.is_excluded(Path::new("vendor/x.yaml"), Path::new("d/vendor/x.yaml")));
        assert!(filters.is_excluded(Path::new("x.json"), Path::new("d/x.json")));
        assert!(!filters.is_excluded(Path::new("x.yaml"), Path::new("d/x.yaml")));
    }

    #[test]
    fn missing_paths_become_unreadable_inputs() {
        let inputs = discover(
            &[PathBuf::from("definitely/not/here.yaml")],
            STDIN_NAME,
            &Filters::default(),
        );
        assert_eq!(inputs.len(), 1);
        assert!(matches!(inputs[0].source, InputSource::Unreadable(_)));
    }
}

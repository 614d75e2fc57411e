//! Which files to lint: files named on the command line, directories walked (hidden and
//! `.gitignore`d entries skipped, include/exclude globs applied), and stdin.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::base::io_reason;

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
}

impl Filters {
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
        })
    }

    /// A walked file is linted when its name or its path below the walked directory matches.
    fn is_included(&self, relative: &Path) -> bool {
        matches_any(&self.include, relative)
    }

    /// Excludes match the file name, the path below the walked directory, or the path shown.
    fn is_excluded(&self, relative: &Path, shown: &Path) -> bool {
        !self.exclude.is_empty()
            && (matches_any(&self.exclude, relative) || self.exclude.is_match(shown))
    }
}

impl Default for Filters {
    fn default() -> Self {
        Filters::new(&[], &[]).unwrap_or_else(|_| Filters {
            include: GlobSet::empty(),
            exclude: GlobSet::empty(),
        })
    }
}

fn matches_any(set: &GlobSet, path: &Path) -> bool {
    set.is_match(path) || path.file_name().is_some_and(|name| set.is_match(name))
}

/// Turns command-line paths into the list of inputs, in the order given; files found in a
/// directory come sorted by path. `-` is stdin, shown as `stdin_name`. A file reached
/// twice (named twice, or named and found in a directory given too, under any spelling of
/// its path) is linted once, where it first comes, and counts as named if it was named.
pub fn discover(paths: &[PathBuf], stdin_name: &str, filters: &Filters) -> Vec<Input> {
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
            Ok(meta) if meta.is_dir() => walk(path, filters, &mut inputs),
            Ok(_) => {
                let relative = Path::new(path.file_name().unwrap_or(path.as_os_str()));
                if !filters.is_excluded(relative, path) {
                    inputs.push(Input {
                        name: shown,
                        source: InputSource::File(path.clone()),
                        explicit: true,
                    });
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
            Some(&i) => out[i].explicit |= input.explicit,
            None => {
                first_at.insert(identity, out.len());
                out.push(input);
            }
        }
    }
    out
}

fn walk(root: &Path, filters: &Filters, inputs: &mut Vec<Input>) {
    let prune = filters.clone();
    let prune_root = root.to_path_buf();
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
            entry.depth() == 0
                || !entry.file_type().is_some_and(|t| t.is_dir())
                || !prune.is_excluded(relative_to(&prune_root, entry.path()), entry.path())
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
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
                if filters.is_included(relative) && !filters.is_excluded(relative, &shown) {
                    inputs.push(Input {
                        name: display(&shown),
                        source: InputSource::File(path.to_path_buf()),
                        explicit: false,
                    });
                }
            }
            Err(err) => {
                let name = error_path(&err).map_or_else(|| display(root), display);
                inputs.push(Input {
                    name,
                    source: InputSource::Unreadable(walk_reason(&err)),
                    explicit: false,
                });
            }
        }
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
        assert!(filters.is_included(Path::new("a/b.cfn")));
        assert!(!filters.is_included(Path::new("a/b.txt")));
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

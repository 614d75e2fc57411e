//! Paths without touching the file system: lexical normalization, and paths relative
//! to a directory, written with `/`.

use std::path::{Component, Path, PathBuf};

/// `path` without `.` components and with `..` applied (lexically: symbolic links are
/// not followed).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` made absolute against `cwd` (when relative), normalized.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&cwd.join(path))
    }
}

/// `path` relative to `dir` (both absolute and normalized), going up with `..` where
/// needed, with `/` between its parts; `None` when they share no root (another drive).
pub fn relative_up(path: &Path, dir: &Path) -> Option<String> {
    let path_parts: Vec<Component> = path.components().collect();
    let dir_parts: Vec<Component> = dir.components().collect();
    let common = path_parts
        .iter()
        .zip(&dir_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_string(); dir_parts.len() - common];
    parts.extend(
        path_parts
            .get(common..)
            .unwrap_or_default()
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

/// A path written with `/` between its parts.
pub fn slash(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    if path.has_root() && !joined.starts_with('/') {
        // A Windows prefix: keep the path as the platform writes it.
        path.to_string_lossy().replace('\\', "/")
    } else {
        joined.replacen("//", "/", 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_and_made_relative() {
        let cwd = Path::new("/repo/stacks");
        assert_eq!(
            absolute(cwd, Path::new("../a/./b.yaml")),
            Path::new("/repo/a/b.yaml")
        );
        assert_eq!(absolute(cwd, Path::new("/x/../y")), Path::new("/y"));
        assert_eq!(slash(Path::new("/other/b.yaml")), "/other/b.yaml");
        assert_eq!(
            relative_up(Path::new("/repo/a/b.yaml"), Path::new("/repo/ci")).as_deref(),
            Some("../a/b.yaml")
        );
        assert_eq!(
            relative_up(Path::new("/repo/a/b.yaml"), Path::new("/repo")).as_deref(),
            Some("a/b.yaml")
        );
    }
}

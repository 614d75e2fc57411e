//! The distribution stays consistent: the wheel's build settings, the pre-commit mirror's
//! pin, the hook manifests, the licence files, the repository URL and the versions the
//! README's install snippets name all agree with `Cargo.toml`. (That the wheel builds,
//! installs and runs without Rust is checked with the real tools in
//! `scripts/check-integrations.sh`.)

use std::path::Path;

use ssmlint::syntax::Node;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const REPOSITORY: &str = "https://github.com/ssmlint/ssmlint";

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hooks(path: &str) -> Vec<(String, String)> {
    let manifest = ssmlint::syntax::yaml::parse(&read(path)).expect("the manifest parses");
    manifest
        .as_seq()
        .expect("a list of hooks")
        .iter()
        .map(|hook| {
            let field = |key: &str| {
                hook.get(key)
                    .and_then(Node::as_scalar)
                    .map(|s| s.into_owned())
                    .unwrap_or_default()
            };
            (field("id"), field("language"))
        })
        .collect()
}

#[test]
fn the_manifest_names_the_repository_and_the_rust_version() {
    let cargo = read("Cargo.toml");
    for line in [
        format!("repository = \"{REPOSITORY}\""),
        format!("homepage = \"{REPOSITORY}\""),
        "license = \"MIT OR Apache-2.0\"".to_string(),
    ] {
        assert!(
            cargo.lines().any(|l| l == line),
            "Cargo.toml lacks `{line}`"
        );
    }
    assert_eq!(env!("CARGO_PKG_REPOSITORY"), REPOSITORY);
    let rust_version = env!("CARGO_PKG_RUST_VERSION");
    assert!(!rust_version.is_empty(), "rust-version is set");
    let readme = read("README.md");
    let install = section(&readme, "## Install");
    assert!(
        install.contains(&format!("Rust {rust_version} or newer")),
        "the README's Install section names the Rust version of a source build"
    );
}

#[test]
fn both_licences_are_there() {
    assert!(read("LICENSE-MIT").contains("Permission is hereby granted, free of charge"));
    let apache = read("LICENSE-APACHE");
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
    assert!(read("pyproject.toml").contains("license = \"MIT OR Apache-2.0\""));
}

#[test]
fn the_wheel_is_a_binary_with_cargos_version() {
    let pyproject = read("pyproject.toml");
    for line in [
        "build-backend = \"maturin\"",
        "name = \"ssmlint\"",
        "bindings = \"bin\"",
        "locked = true",
        "dynamic = [\"version\"]",
    ] {
        assert!(
            pyproject.lines().any(|l| l.trim() == line),
            "pyproject.toml lacks `{line}`"
        );
    }
    assert!(
        !pyproject.lines().any(|l| l.starts_with("version")),
        "the version comes from Cargo.toml only"
    );
}

#[test]
fn the_pre_commit_mirror_pins_this_version() {
    let pyproject = read("pre-commit/pyproject.toml");
    assert!(
        pyproject.contains(&format!("version = \"{VERSION}\"")),
        "pre-commit/pyproject.toml's version is {VERSION}"
    );
    assert!(
        pyproject.contains(&format!("dependencies = [\"ssmlint=={VERSION}\"]")),
        "pre-commit/pyproject.toml pins ssmlint=={VERSION}"
    );
    assert_eq!(
        hooks("pre-commit/.pre-commit-hooks.yaml"),
        [("ssmlint".to_string(), "python".to_string())]
    );
    assert_eq!(
        hooks(".pre-commit-hooks.yaml"),
        [
            ("ssmlint-source".to_string(), "rust".to_string()),
            ("ssmlint".to_string(), "fail".to_string())
        ]
    );
}

/// The text of a `## ` section, up to the next one.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no `{heading}`"));
    let rest = &text[start + heading.len() + 2..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn the_readme_installs_this_version_from_this_repository() {
    let readme = read("README.md");
    let install = readme.find("\n## Install\n").expect("an Install section");
    let quick_start = readme.find("\n## Quick start\n").expect("a Quick start");
    assert!(install < quick_start, "Install comes first");
    let install = section(&readme, "## Install");
    for command in [
        "pip install ssmlint",
        "pipx install ssmlint",
        "uv tool install ssmlint",
        "cargo install --locked --git https://github.com/ssmlint/ssmlint ssmlint",
        "cargo install --locked --path .",
    ] {
        assert!(install.contains(command), "Install lacks `{command}`");
    }
    // Every version a snippet pins is this one.
    for (marker, end, at_least) in [
        ("rev: v", '\n', 2),
        ("ssmlint/ssmlint@v", ' ', 2),
        ("ssmlint==", ' ', 1),
        ("installs ssmlint ", ' ', 2),
    ] {
        let versions: Vec<&str> = readme
            .match_indices(marker)
            .map(|(at, _)| {
                let rest = &readme[at + marker.len()..];
                rest[..rest.find([end, '`', '\n', ')', ',']).unwrap_or(rest.len())].trim()
            })
            .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        assert!(
            versions.len() >= at_least,
            "the README shows `{marker}VERSION`"
        );
        for version in versions {
            assert_eq!(version, VERSION, "README: `{marker}{version}`");
        }
    }
}

#[test]
fn every_link_to_ssmlint_names_its_repository() {
    let files = [
        "README.md",
        "CHANGELOG.md",
        "Cargo.toml",
        "pyproject.toml",
        "action.yml",
        ".pre-commit-hooks.yaml",
        "pre-commit/.pre-commit-hooks.yaml",
        "pre-commit/pyproject.toml",
        "pre-commit/README.md",
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        "scripts/action.sh",
    ];
    for file in files {
        let text = read(file);
        assert!(!text.contains("OWNER/"), "{file} still says OWNER/");
        for (at, _) in text.match_indices("github.com/") {
            let path = &text[at + "github.com/".len()..];
            let mut parts = path.split(['/', ' ', ')', '`', '"', '\n', '.', '@', '#']);
            let (owner, repo) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if repo.starts_with("ssmlint") || owner.starts_with("ssmlint") {
                assert!(
                    owner == "ssmlint" && (repo == "ssmlint" || repo == "ssmlint-pre-commit"),
                    "{file}: github.com/{owner}/{repo}"
                );
            }
        }
    }
}

#[test]
fn the_changelog_lists_this_version() {
    let changelog = read("CHANGELOG.md");
    assert!(changelog.contains("Keep a Changelog"));
    assert!(
        changelog.contains("\n## [Unreleased]\n")
            || changelog.contains(&format!("\n## [{VERSION}]")),
        "CHANGELOG.md has an Unreleased section or one for {VERSION}"
    );
}

//! Helpers shared by the integration tests (`mod common;`): reading the crate's files
//! and fixtures.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

pub mod fixtures;

use std::path::Path;

/// The crate's root directory.
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the crate, by its path relative to the crate root.
pub fn read(relative: &str) -> Vec<u8> {
    let path = manifest_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A text file of the crate, by its path relative to the crate root.
pub fn read_text(relative: &str) -> String {
    String::from_utf8(read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Every rule fixture, as `build.rs` lists them.
pub fn rule_fixtures() -> Vec<fixtures::Fixture> {
    fixtures::rule_fixtures(manifest_dir())
}

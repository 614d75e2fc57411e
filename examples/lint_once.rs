//! Lints one file through the library with the system allocator, for memory profiles
//! (`valgrind --tool=massif`) that the binary's allocator would hide.
//!
//! cargo run --release --example lint_once -- TEMPLATE

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: lint_once TEMPLATE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let options = ssmlint::LintOptions::default();
    let report = ssmlint::engine::lint_owned_bytes(&path, bytes, true, &options);
    println!("{path}: {} findings", report.findings.len());
}

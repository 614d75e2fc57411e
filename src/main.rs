//! The `ssmlint` binary: parse the arguments, run, print, exit.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use ssmlint::cli::{self, Cli, Terminal};

// A template is a tree of many small allocations, built and freed once per file:
// mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Usage errors exit here with status 2 (help and version with 0).
    let cli = Cli::parse();
    let outcome = cli::run(cli, &Terminal::detect(), &mut std::io::stdin().lock());
    // A closed pipe (`ssmlint . | head`) is not worth a panic: ignore write errors.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| stdout.flush());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.code)
}

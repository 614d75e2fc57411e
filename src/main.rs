//! The `ssmlint` binary: parse the arguments, run, print, exit.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use ssmlint::cli::{self, Cli, Terminal};
use ssmlint::report::EXIT_ERROR;

// A template is a tree of many small allocations, built and freed once per file:
// mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Usage errors exit here with status 2 (help and version with 0).
    let cli = Cli::parse();
    let outcome = cli::run(cli, &Terminal::detect(), &mut std::io::stdin().lock());
    let mut code = outcome.code;
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| stdout.flush());
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(outcome.stderr.as_bytes());
    match written {
        // A closed pipe (`ssmlint . | head`) is what the reader wanted.
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            // The report is lost (a full disk, `> /dev/full`): that is no clean run.
            let _ = writeln!(
                stderr,
                "error: cannot write the report to stdout: {}",
                ssmlint::base::io_reason(&err)
            );
            code = EXIT_ERROR;
        }
        _ => {}
    }
    ExitCode::from(code)
}

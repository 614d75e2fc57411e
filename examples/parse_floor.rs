//! The parse-only floor of a template: the best of N runs of reading the file and parsing
//! it into the spanned tree, the cost every lint of that file pays first. `scripts/bench.sh`
//! compares the whole lint with it.
//!
//! cargo run --release --example parse_floor -- TEMPLATE [RUNS]

use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: parse_floor TEMPLATE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let parsed = ssmlint::syntax::parse(&text);
        std::hint::black_box(&parsed);
        best = best.min(start.elapsed());
    }
    println!(
        "{path}: parse floor {:.1} ms (best of {runs})",
        best.as_secs_f64() * 1e3
    );
}

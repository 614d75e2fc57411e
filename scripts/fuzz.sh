#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ for SECONDS each (default 30), seeded from
# fixtures/, tests/data/ and fuzz/seeds/ (see tests/fuzz_replay.rs, which replays the same
# seeds and every saved crash of fuzz/regressions/ on the stable toolchain).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: parse lint suppress config guard
#
# cargo-fuzz needs a nightly compiler: `cargo +nightly` when installed, else the stable
# one with RUSTC_BOOTSTRAP=1. Without cargo-fuzz (`cargo install cargo-fuzz`) or such a
# compiler it prints a notice and exits 0. Leak detection is off: the metadata of Guard
# rules is leaked on purpose (once per run, for `&'static` rule metadata), which a fuzz
# loop would report on every input. A crash, a hang (10 s for one input) or more
# than 4 GB of memory fails the run; the input is left in fuzz/artifacts/TARGET/: fix the
# defect, and move the input to fuzz/regressions/TARGET/ so the replay test keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse lint suppress config guard)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "notice: cargo-fuzz is not installed (cargo install cargo-fuzz): fuzzing skipped"
    exit 0
fi
if RUSTC_BOOTSTRAP=1 rustc -Z help >/dev/null 2>&1; then
    # The project's own (stable) toolchain, allowed cargo-fuzz's -Z flags.
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
elif cargo +nightly --version >/dev/null 2>&1; then
    fuzz=(cargo +nightly fuzz)
else
    echo "notice: no nightly-capable Rust toolchain (cargo-fuzz needs -Z flags): fuzzing skipped"
    exit 0
fi

# Seed corpora (fuzz/corpus/ is not committed: libFuzzer adds to it as it runs).
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    case "$target" in
        guard) seeds=$(find examples fixtures rules "fuzz/seeds/$target" -name "*.guard" -type f 2>/dev/null || true) ;;
        config) seeds=$(find "fuzz/seeds/$target" -type f 2>/dev/null || true) ;;
        *) seeds=$(find fixtures tests/data "fuzz/seeds/$target" -type f 2>/dev/null || true) ;;
    esac
    for seed in $seeds; do
        cp "$seed" "$corpus/seed-$(printf '%s' "$seed" | cksum | cut -d' ' -f1)"
    done
done

echo "== building the fuzz targets ($("${fuzz[0]}" --version))"
mkdir -p fuzz/artifacts
if ! "${fuzz[@]}" build -O --fuzz-dir fuzz >fuzz/artifacts/build.log 2>&1; then
    tail -20 fuzz/artifacts/build.log
    echo "error: the fuzz targets do not build (fuzz/artifacts/build.log)"
    exit 1
fi
status=0
for target in "${targets[@]}"; do
    mkdir -p "fuzz/artifacts/$target"
    log="fuzz/artifacts/$target.log"
    echo "== fuzz $target (${seconds} s)"
    if ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        "${fuzz[@]}" run -O --fuzz-dir fuzz "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -detect_leaks=0 \
        -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
        echo "fuzz $target: ${runs:-?} executions, nothing found"
    else
        status=1
        echo "fuzz $target: FAILED (see $log and fuzz/artifacts/$target/)"
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -5 || true
    fi
done
exit $status

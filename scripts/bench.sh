#!/usr/bin/env bash
# Benchmark: lint the bulk corpus with a release build and report wall time per thousand
# files. Uses hyperfine when installed (Debian package `hyperfine`), plain timing otherwise.
# Not a test: timings depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${SSMLINT_CORPUS:-$(cd .. && pwd)/shared/corpus}"
bulk="$corpus/bulk"
cargo build --release --quiet
bin=target/release/ssmlint
files=$(find "$bulk" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' -o -name '*.cfn' \) | wc -l)
echo "bulk corpus: $files files, $(nproc) cores"
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 2 --runs 10 -i --export-json target/bench.json "$bin --quiet $bulk"
    mean=$(python3 -c "import json;print(json.load(open('target/bench.json'))['results'][0]['mean'])")
else
    start=$(date +%s.%N)
    "$bin" --quiet "$bulk" >/dev/null || true
    end=$(date +%s.%N)
    mean=$(python3 -c "print($end - $start)")
fi
python3 -c "m=float('$mean'); f=int('$files'); print(f'mean wall time {m*1000:.0f} ms for {f} files = {m*1000000/f:.0f} ms per thousand files')"

# Guard rules: the shipped ones (SSM204, SSM205, evaluated by the cfn-guard library) on and
# off, same binary and output; Guard may add at most 30% to the wall time.
on="$bin --quiet $bulk"
off="$bin --quiet --ignore SSM204,SSM205 $bulk"
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 2 --runs 10 -i -N --export-json target/bench-guard.json "$on" "$off" >/dev/null 2>&1
    read -r guard_on guard_off < <(python3 -c "import json;r=json.load(open('target/bench-guard.json'))['results'];print(r[0]['mean'],r[1]['mean'])")
else
    t0=$(date +%s.%N); $on >/dev/null || true; t1=$(date +%s.%N); $off >/dev/null || true; t2=$(date +%s.%N)
    guard_on=$(python3 -c "print($t1 - $t0)"); guard_off=$(python3 -c "print($t2 - $t1)")
fi
python3 -c "on=float('$guard_on'); off=float('$guard_off'); print(f'Guard rules on: {on*1000:.0f} ms, off (--ignore SSM204,SSM205): {off*1000:.0f} ms: Guard adds {100*(on-off)/off:.0f}% (limit 30%)')"

# IAM engine cost: the largest corpus template, and synthetic roles with many conditions
# (cost per statement x question must stay flat as N grows: linear, no blow-up).
largest=$(grep -rl 'AWS::IAM::' "$corpus" --include='*.yaml' --include='*.yml' --include='*.json' --include='*.template' | xargs ls -S | head -1)
cargo build --release --quiet --example policy_cost
target/release/examples/policy_cost "$largest"
for n in 100 1000 5000; do target/release/examples/policy_cost --synthetic "$n"; done

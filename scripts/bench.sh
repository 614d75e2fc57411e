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

# IAM engine cost: the largest corpus template, and synthetic roles with many conditions
# (cost per statement x question must stay flat as N grows: linear, no blow-up).
largest=$(grep -rl 'AWS::IAM::' "$corpus" --include='*.yaml' --include='*.yml' --include='*.json' --include='*.template' | xargs ls -S | head -1)
cargo build --release --quiet --example policy_cost
target/release/examples/policy_cost "$largest"
for n in 100 1000 5000; do target/release/examples/policy_cost --synthetic "$n"; done

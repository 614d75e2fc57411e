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

# Scale: generated templates of 1,000, 10,000 and 55,000 resources (250, 2,500 and 13,750
# groups of instance, profile, role and security group), against the parse-only floor;
# wall time (JSON output, so the rendering of one huge finding does not dominate) and
# peak memory against the input size. Targets (issue 18): 1,000 resources within 2x the
# parse floor, 10,000 within 0.5 s, linear to 50 MB, peak memory within 5x the input.
cargo build --release --quiet --example parse_floor
scale=target/bench-scale
mkdir -p "$scale"
for groups in 250 2500 13750; do
    file="$scale/t$((groups * 4)).yaml"
    [ -s "$file" ] || python3 scripts/gen-template.py "$groups" > "$file"
    bytes=$(wc -c < "$file")
    target/release/examples/parse_floor "$file" 5
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --warmup 1 --runs 5 -i -N --export-json "$scale/run.json" \
            "$bin --no-config --format json $file" >/dev/null 2>&1
        mean=$(python3 -c "import json;print(json.load(open('$scale/run.json'))['results'][0]['mean'])")
    else
        start=$(date +%s.%N); "$bin" --no-config --format json "$file" >/dev/null || true
        mean=$(python3 -c "print($(date +%s.%N) - $start)")
    fi
    peak=$( { /usr/bin/time -f '%M' "$bin" --no-config --format json "$file" >/dev/null || true; } 2>&1 | tail -1)
    python3 -c "b=$bytes; m=float('$mean'); p=int('$peak')*1024; print(f'{b/1e6:.1f} MB: lint {m*1000:.0f} ms, peak {p/1e6:.0f} MB = {p/b:.1f}x the input')"
done

# The seed lab (the Session Manager workshop's starting template): a small real file.
seed="$corpus/seed/cfn101-session-manager-workspace.yaml"
if [ -f "$seed" ] && command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 3 --runs 30 -i -N "$bin --no-config $seed" 2>/dev/null | grep -E 'Time|Range'
fi

#!/usr/bin/env bash
# Scale cases of the reliability issue, generated and timed: a release build of ssmlint
# (and, optionally, another binary to compare with) on each, wall time and peak memory.
# Not a test: timings depend on the machine, and nothing here fails on them.
#
#   scripts/stress.sh [OTHER_BINARY]
#
# Each run is capped at STRESS_TIMEOUT seconds (default 120) and 8 GB of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
other="${1:-}"
limit="${STRESS_TIMEOUT:-120}"
cargo build --release --quiet
bin=target/release/ssmlint
dir=target/stress
mkdir -p "$dir"

python3 - "$dir" <<'EOF'
import sys, os
d = sys.argv[1]
def w(name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text)

# 10,000 instances (rules per resource; Guard rules, with --rules examples/guard).
w("resources-10k.yaml", "Resources:\n" + "".join(
    f"  Web{i}:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n      KeyName: k{i}\n"
    for i in range(10000)))

# About 5 MB of YAML with findings on every instance (human output), and 60 quoted
# strings spread through it whose second line is under-indented (the lenient retry:
# c608917 re-parsed the file once per such line, and gave up after 64).
parts = ["Resources:\n"]
for i in range(25000):
    user_data = "'echo {i}\n      done'" if i % 400 == 0 else "'echo {i} done'"
    parts.append(f"  Web{i}:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n"
                 f"      Tags: [\n        {{Key: Name, Value: 'web {i} server'}}\n      ]\n"
                 f"      UserData: {user_data.format(i=i)}\n")
w("indent-5mb.yaml", "".join(parts))

# A 5 MB minified JSON template (one line) with findings.
import json
res = {f"Web{i}": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1", "KeyName": f"key-{i}-abcdefghijklmnopqrstuvwxyz0123456789"}} for i in range(40000)}
w("minified-5mb.json", json.dumps({"Resources": res}, separators=(",", ":")))

# 20,000 suppression comments, and one comment naming 100,000 rules.
w("suppressions-20k.yaml", "Resources:\n" + "".join(
    f"  # ssmlint: ignore[SSM100] lab {i}\n  Web{i}:\n    Type: AWS::EC2::Instance\n"
    for i in range(20000)))
w("suppression-100k-rules.yaml", "Resources:\n  # ssmlint: ignore[" +
  ",".join(f"r{i}" for i in range(100000)) + "]\n  Web:\n    Type: AWS::EC2::Instance\n")

# Fn::Sub with 1,000 variables.
names = [f"v{i}" for i in range(1000)]
w("sub-1000.yaml", "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n"
  "      UserData:\n        Fn::Sub:\n          - '" + "".join("${" + n + "}-" for n in names) + "'\n          - {" +
  ", ".join(f"{n}: x{n}" for n in names) + "}\n")

# Conditions 30 levels deep, each using the one below twice.
conds = ["  C0: !Equals [!Ref Env, prod]\n"] + [
    f"  C{i}: !Or [!Condition C{i-1}, !And [!Condition C{i-1}, !Not [!Condition C{i-1}]]]\n" for i in range(1, 31)]
w("conditions-30.yaml", "Parameters:\n  Env: {Type: String, Default: dev}\nConditions:\n" + "".join(conds) +
  "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Condition: C30\n    Properties:\n      ImageId: ami-1\n"
  "      KeyName: !If [C30, a, b]\n")

# Three nested Fn::FindInMap with Fn::If alternatives.
alts = "!If [A, x, !If [B, y, !If [C, z, w]]]"
w("findinmap-if.yaml", "Parameters:\n  P: {Type: String, Default: x}\nConditions:\n"
  "  A: !Equals [!Ref P, x]\n  B: !Equals [!Ref P, y]\n  C: !Equals [!Ref P, z]\nMappings:\n  M:\n" +
  "".join(f"    {k}: {{x: x, y: y, z: z, w: w}}\n" for k in "xyzw") +
  "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n"
  f"      KeyName: !FindInMap [M, !FindInMap [M, !FindInMap [M, {alts}, {alts}], {alts}], {alts}]\n")

# 4,000 roles, each with an instance profile and an instance.
w("roles-4000.yaml", "Resources:\n" + "".join(
    f"  Role{i}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
    f"        Statement: [{{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}]\n"
    f"      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore]\n"
    f"  Profile{i}:\n    Type: AWS::IAM::InstanceProfile\n    Properties: {{Roles: [!Ref Role{i}]}}\n"
    f"  Web{i}:\n    Type: AWS::EC2::Instance\n    Properties: {{ImageId: ami-1, IamInstanceProfile: !Ref Profile{i}}}\n"
    for i in range(4000)))
EOF

# One case: label, then the arguments after the binary.
cases=(
    "10,000 instances|--format json $dir/resources-10k.yaml"
    "10,000 instances, --rules examples/guard|--format json --rules examples/guard $dir/resources-10k.yaml"
    "5 MB YAML, under-indented flow (JSON output)|--format json $dir/indent-5mb.yaml"
    "5 MB YAML, human output|$dir/indent-5mb.yaml"
    "5 MB minified JSON, human output|$dir/minified-5mb.json"
    "20,000 suppression comments|--format json $dir/suppressions-20k.yaml"
    "one comment naming 100,000 rules|--format json $dir/suppression-100k-rules.yaml"
    "Fn::Sub with 1,000 variables|--format json $dir/sub-1000.yaml"
    "conditions 30 deep|--format json $dir/conditions-30.yaml"
    "3 nested FindInMap with If|--format json $dir/findinmap-if.yaml"
    "4,000 roles|--format json $dir/roles-4000.yaml"
)

# Wall time and peak memory of one run: "1.23 s, 45 MB", ">120 s" or "crashed".
measure() {
    local binary=$1
    shift
    local stats status=0
    stats=$(mktemp)
    (ulimit -v 8000000; exec /usr/bin/time -o "$stats" -f '%e %M' timeout "$limit" "$binary" --no-config --quiet "$@" >/dev/null 2>&1) || status=$?
    local secs mem
    read -r secs mem < <(tail -1 "$stats")
    rm -f "$stats"
    if [ "$status" -eq 124 ]; then
        echo ">$limit s"
    elif [ "$status" -gt 2 ]; then
        echo "crashed (status $status) after $secs s"
    else
        echo "$secs s, $((mem / 1024)) MB"
    fi
}

if [ -n "$other" ]; then
    printf '| case | %s | %s |\n|---|---|---|\n' "$other" "$bin"
else
    printf '| case | %s |\n|---|---|\n' "$bin"
fi
for case in "${cases[@]}"; do
    label=${case%%|*}
    read -r -a args <<<"${case#*|}"
    after=$(measure "$bin" "${args[@]}")
    if [ -n "$other" ]; then
        before=$(measure "$other" "${args[@]}")
        printf '| %s | %s | %s |\n' "$label" "$before" "$after"
    else
        printf '| %s | %s |\n' "$label" "$after"
    fi
done

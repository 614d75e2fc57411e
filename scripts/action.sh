#!/usr/bin/env bash
# The logic of the GitHub Action (action.yml), one mode per step:
#
#   action.sh setup     where ssmlint is installed and the cache key for it
#                       (outputs: dir, key, bin)
#   action.sh install   install ssmlint into that directory (on a cache miss)
#   action.sh run       lint, annotate the pull request, write SARIF
#                       (outputs: sarif-file, exit-code)
#
# Inputs come as environment variables set by action.yml (never spliced into the
# script): INPUT_PATHS, INPUT_CONFIG, INPUT_FAIL_ON, INPUT_SARIF_FILE, INPUT_VERSION.
# The runner provides GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, RUNNER_OS,
# RUNNER_ARCH, RUNNER_TEMP and RUNNER_TOOL_CACHE. SSMLINT_BIN names an ssmlint binary to
# use instead of installing one (tests use it; it needs no network).
set -euo pipefail

mode="${1:?usage: action.sh setup|install|run}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
version="${INPUT_VERSION:-}"

output() {
    # Appends `name=value` to the step's outputs (values here are single lines).
    echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

# What the installed binary is built from: a crates.io version, or the action's own
# sources (the revision the workflow names in `uses:`).
source_id() {
    if [ -n "$version" ]; then
        echo "v$version"
        return
    fi
    (
        cd "$action_path"
        find Cargo.toml Cargo.lock src rules -type f -print0 2>/dev/null |
            LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
    ) | sed 's/^/src-/'
}

case "$mode" in
setup)
    id="$(source_id)"
    key="ssmlint-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$id"
    dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/ssmlint/$id"
    output key "$key"
    output dir "$dir"
    output bin "${SSMLINT_BIN:-$dir/bin/ssmlint}"
    ;;

install)
    dir="${SSMLINT_DIR:?SSMLINT_DIR is not set}"
    if [ -n "${SSMLINT_BIN:-}" ]; then
        echo "using $SSMLINT_BIN"
        "$SSMLINT_BIN" --version
        exit 0
    fi
    if [ -x "$dir/bin/ssmlint" ]; then
        echo "ssmlint is cached in $dir"
        exit 0
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "::error title=ssmlint::cargo is needed to build ssmlint; add dtolnay/rust-toolchain@stable before this action"
        exit 1
    fi
    if [ -n "$version" ]; then
        echo "installing ssmlint $version from crates.io"
        cargo install ssmlint --version "=$version" --locked --root "$dir"
    else
        echo "building ssmlint from the action's sources ($action_path)"
        cargo install --path "$action_path" --locked --root "$dir"
    fi
    "$dir/bin/ssmlint" --version
    ;;

run)
    bin="${SSMLINT_BIN:-${SSMLINT_DIR:?SSMLINT_DIR is not set}/bin/ssmlint}"
    cd "${GITHUB_WORKSPACE:-.}"
    sarif="${INPUT_SARIF_FILE:-ssmlint.sarif}"
    mkdir -p "$(dirname "$sarif")"
    args=(--format github --format "sarif=$sarif" --color never)
    if [ -n "${INPUT_CONFIG:-}" ]; then
        args+=(--config "$INPUT_CONFIG")
    fi
    if [ -n "${INPUT_FAIL_ON:-}" ]; then
        args+=(--fail-on "$INPUT_FAIL_ON")
    fi
    # Paths are separated by spaces or new lines; no glob expansion.
    set -f
    # shellcheck disable=SC2206
    paths=(${INPUT_PATHS:-.})
    set +f
    status=0
    "$bin" "${args[@]}" -- "${paths[@]}" || status=$?
    output sarif-file "$sarif"
    output exit-code "$status"
    case "$status" in
    0) echo "ssmlint: no finding at the fail-on level" ;;
    1) echo "ssmlint: findings at the fail-on level (annotations above; SARIF in $sarif)" ;;
    *) echo "ssmlint: a usage error or a file that cannot be read or parsed (exit $status)" ;;
    esac
    exit "$status"
    ;;

*)
    echo "usage: action.sh setup|install|run" >&2
    exit 2
    ;;
esac

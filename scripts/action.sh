#!/usr/bin/env bash
# The logic of the GitHub Action (action.yml), one mode per step:
#
#   action.sh setup     what to install, where, and the cache key for it
#                       (outputs: version, install, dir, key)
#   action.sh install   install ssmlint into that directory (on a cache miss):
#                       `pip install ssmlint==VERSION` (a prebuilt wheel; the default), or
#                       with `install: source`, `cargo install` of the action's revision
#   action.sh run       lint, annotate (errors first, files changed in the pull request
#                       first), write SARIF and the job summary
#                       (outputs: sarif-file, exit-code)
#
# VERSION is the action's own: the `version` in its Cargo.toml, so `uses:
# ssmlint/ssmlint@v0.1.0` installs ssmlint 0.1.0.
#
# Inputs come as environment variables set by action.yml (never spliced into the
# script): INPUT_PATHS, INPUT_ARGS, INPUT_CONFIG, INPUT_FAIL_ON, INPUT_ONLY_CHANGED,
# INPUT_SARIF_FILE, INPUT_INSTALL. The runner provides GITHUB_ACTION_PATH,
# GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH,
# GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP
# and RUNNER_TOOL_CACHE. SSMLINT_BIN names an ssmlint binary to use instead of
# installing one (tests use it; it needs no network). pip honours its own variables
# (PIP_INDEX_URL, PIP_FIND_LINKS, ...).
set -euo pipefail

mode="${1:?usage: action.sh setup|install|run}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"

output() {
    # Appends `name=value` to the step's outputs (values here are single lines).
    echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

# The version in the action's Cargo.toml ([package] comes first).
action_version() {
    sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n1
}

# A hash of the action's sources: the cache key of a source build.
source_hash() {
    (
        cd "$action_path"
        find Cargo.toml Cargo.lock src data -type f -print0 2>/dev/null |
            LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
    )
}

# A Python that runs (on Windows runners `python3` may be a stub that does not).
find_python() {
    local candidate
    for candidate in python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import sys" >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# `pip` or `source`; anything else stops the step (exit 2).
install_mode() {
    case "${INPUT_INSTALL:-pip}" in
    "" | pip) echo pip ;;
    source) echo source ;;
    *) return 2 ;;
    esac
}
check_install_mode() {
    install_mode >/dev/null || {
        echo "::error title=ssmlint::unknown install \`${INPUT_INSTALL}\`; expected pip or source"
        exit 2
    }
}

case "$mode" in
setup)
    version="$(action_version)"
    [ -n "$version" ] || {
        echo "::error title=ssmlint::no version in $action_path/Cargo.toml"
        exit 2
    }
    check_install_mode
    install="$(install_mode)"
    case "$install" in
    pip) id="$version" ;;
    source) id="src-$(source_hash)" ;;
    esac
    output version "$version"
    output install "$install"
    output key "ssmlint-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$install-$id"
    output dir "${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/ssmlint/$install-$id"
    ;;

install)
    dir="${SSMLINT_DIR:?SSMLINT_DIR is not set}"
    version="${SSMLINT_VERSION:-$(action_version)}"
    if [ -n "${SSMLINT_BIN:-}" ]; then
        echo "using $SSMLINT_BIN"
        "$SSMLINT_BIN" --version
        exit 0
    fi
    if [ -x "$dir/bin/ssmlint" ] || [ -x "$dir/bin/ssmlint.exe" ]; then
        echo "ssmlint is cached in $dir"
        exit 0
    fi
    check_install_mode
    case "$(install_mode)" in
    pip)
        python="$(find_python)" || {
            echo "::error title=ssmlint::Python is needed to install ssmlint with pip (or use install: source)"
            exit 1
        }
        echo "installing ssmlint==$version with pip (a prebuilt wheel, no compiler)"
        target="${RUNNER_TEMP:-/tmp}/ssmlint-pip-$$"
        pip_install=(--disable-pip-version-check --no-input --only-binary ssmlint "ssmlint==$version")
        if "$python" -m pip --version >/dev/null 2>&1; then
            # Into a folder of its own (no virtual environment to create; an externally
            # managed Python allows this).
            "$python" -m pip install --target "$target" "${pip_install[@]}" || pip_failed=1
        else
            "$python" -m venv "$target" &&
                { "$target/bin/python" -m pip install "${pip_install[@]}" ||
                    "$target/Scripts/python" -m pip install "${pip_install[@]}"; } || pip_failed=1
        fi
        if [ -n "${pip_failed:-}" ]; then
            echo "::error title=ssmlint::pip could not install ssmlint==$version. A release tag of the action installs its release from PyPI; a commit between releases may name a version that is not published yet: use a tag, or \`install: source\` to build this revision with cargo."
            exit 1
        fi
        # The wheel holds just the binary: keep it, not the rest.
        mkdir -p "$dir/bin"
        for exe in bin/ssmlint Scripts/ssmlint.exe bin/ssmlint.exe; do
            if [ -f "$target/$exe" ]; then
                cp "$target/$exe" "$dir/bin/"
            fi
        done
        rm -rf "$target"
        ;;
    source)
        if ! command -v cargo >/dev/null 2>&1; then
            echo "::error title=ssmlint::install: source needs cargo; add dtolnay/rust-toolchain@stable before this action"
            exit 1
        fi
        echo "building ssmlint from the action's sources ($action_path)"
        cargo install --path "$action_path" --locked --root "$dir"
        ;;
    esac
    if [ -x "$dir/bin/ssmlint.exe" ]; then
        "$dir/bin/ssmlint.exe" --version
    else
        "$dir/bin/ssmlint" --version
    fi
    ;;

run)
    if [ -n "${SSMLINT_BIN:-}" ]; then
        bin="$SSMLINT_BIN"
    else
        dir="${SSMLINT_DIR:?SSMLINT_DIR is not set}"
        bin="$dir/bin/ssmlint"
        [ -x "$bin" ] || bin="$dir/bin/ssmlint.exe"
    fi
    cd "${GITHUB_WORKSPACE:-.}"
    work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ssmlint-run.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    sarif="${INPUT_SARIF_FILE:-ssmlint.sarif}"

    # Paths are separated by spaces or new lines; no glob expansion.
    set -f
    # shellcheck disable=SC2206
    paths=(${INPUT_PATHS:-.})
    set +f
    [ "${#paths[@]}" -gt 0 ] || paths=(.)

    # More arguments, split into words like a shell does (quotes group), never expanded.
    extra=()
    args_text="${INPUT_ARGS:-}"
    if [ -n "${args_text//[[:space:]]/}" ]; then
        printf '%s' "$args_text" | xargs printf '%s\0' >"$work/args" || {
            echo "::error title=ssmlint::cannot split \`args\` into words (an unmatched quote?)"
            output exit-code 2
            exit 2
        }
        while IFS= read -r -d '' word; do
            extra+=("$word")
        done <"$work/args"
    fi

    # The files this pull request (or push) changed, relative to the repository root.
    : >"$work/changed"
    base=""
    python="$(find_python || true)"
    if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] && [ -n "$python" ]; then
        base="$("$python" -c '
import json, sys
event = json.load(open(sys.argv[1], encoding="utf-8"))
pr = event.get("pull_request") or {}
base = ((pr.get("base") or {}).get("sha")
        or (event.get("merge_group") or {}).get("base_sha")
        or event.get("before") or "")
print("" if set(base) <= {"0"} else base)
' "$GITHUB_EVENT_PATH")" || base=""
    fi
    have_changes=false
    if [ -n "$base" ]; then
        if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
            git fetch --quiet --no-tags --depth=1 origin "$base" 2>/dev/null || true
        fi
        if git -c core.quotePath=false diff --name-only --no-renames --diff-filter=d "$base" HEAD >"$work/changed" 2>/dev/null; then
            have_changes=true
            echo "ssmlint: $(wc -l <"$work/changed" | tr -d ' ') files changed since ${base:0:12}"
        else
            echo "ssmlint: cannot compare with ${base:0:12}; every file counts as unchanged"
            : >"$work/changed"
        fi
    fi

    only_changed=false
    case "${INPUT_ONLY_CHANGED:-false}" in
    true | True | TRUE | yes | 1) only_changed=true ;;
    false | False | FALSE | no | 0 | "") ;;
    *)
        echo "::error title=ssmlint::only-changed must be true or false, not \`$INPUT_ONLY_CHANGED\`"
        output exit-code 2
        exit 2
        ;;
    esac

    note=""
    if $only_changed && ! $have_changes; then
        echo "::notice title=ssmlint::only-changed: no pull request base or push range to compare with; linting every path"
        note="Every path was linted: \`only-changed\` found no pull request base to compare with."
    elif $only_changed; then
        # The changed templates (by extension, as a directory walk finds them) below one
        # of the paths, that still exist.
        targets=()
        shopt -s nocasematch
        while IFS= read -r file; do
            [ -f "$file" ] || continue
            [[ "$file" =~ \.(ya?ml|json|template|cfn)$ ]] || continue
            for path in "${paths[@]}"; do
                path="${path#./}"
                path="${path%/}"
                if [ -z "$path" ] || [ "$path" = "." ] || [ "$file" = "$path" ] || [[ "$file" == "$path"/* ]]; then
                    targets+=("$file")
                    break
                fi
            done
        done <"$work/changed"
        shopt -u nocasematch
        if [ "${#targets[@]}" -eq 0 ]; then
            echo "ssmlint: only-changed: no template changed below ${paths[*]}"
            note="No template below \`${paths[*]}\` changed (\`only-changed\`): nothing was linted."
            # An empty directory gives an empty report, so the SARIF file still exists.
            mkdir -p "$work/empty"
            paths=("$work/empty")
        else
            note="Only the ${#targets[@]} templates changed since \`${base:0:12}\` were linted (\`only-changed\`)."
            paths=("${targets[@]}")
        fi
        extra=(--skip-unsupported ${extra[@]+"${extra[@]}"})
    fi

    args=(--format human --format "github=$work/annotations" --format "sarif=$sarif"
        --format "summary=$work/summary.md" --color never)
    if [ -n "${INPUT_CONFIG:-}" ]; then
        args+=(--config "$INPUT_CONFIG")
    fi
    if [ -n "${INPUT_FAIL_ON:-}" ]; then
        args+=(--fail-on "$INPUT_FAIL_ON")
    fi
    if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
        args+=(--link-base "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA")
    fi
    status=0
    "$bin" "${args[@]}" ${extra[@]+"${extra[@]}"} -- "${paths[@]}" || status=$?

    # Annotations: errors, then warnings, then notices (GitHub shows 10 of each per
    # step), and within each level the files this change touched first.
    if [ -f "$work/annotations" ]; then
        awk -v changed="$work/changed" '
            function escape(s) {
                gsub(/%/, "%25", s); gsub(/\r/, "%0D", s); gsub(/:/, "%3A", s); gsub(/,/, "%2C", s)
                return s
            }
            function file_of(line,    f) {
                f = line
                sub(/^::[a-z]+ file=/, "", f)
                sub(/,line=.*/, "", f)
                sub(/^\.\//, "", f)
                return f
            }
            BEGIN {
                while ((getline path < changed) > 0) { sub(/^\.\//, "", path); touched[escape(path)] = 1 }
                rank["error"] = 0; rank["warning"] = 1; rank["notice"] = 2
            }
            {
                level = $0; sub(/^::/, "", level); sub(/ .*/, "", level)
                r = (level in rank) ? rank[level] : 3
                c = (file_of($0) in touched) ? 0 : 1
                n[r, c]++; line[r, c, n[r, c]] = $0
                count[level]++
            }
            END {
                for (r = 0; r <= 3; r++) for (c = 0; c <= 1; c++) for (i = 1; i <= n[r, c]; i++) print line[r, c, i]
                for (level in count) if (count[level] > 10)
                    printf "ssmlint: %d %s annotations; GitHub shows the first 10 of each level (every finding is in the job summary and the SARIF report)\n", count[level], level
            }
        ' "$work/annotations"
    fi

    if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$work/summary.md" ]; then
        {
            cat "$work/summary.md"
            if [ -n "$note" ]; then
                printf '\n%s\n' "$note"
            fi
        } >>"$GITHUB_STEP_SUMMARY"
    fi

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

#!/usr/bin/env python3
"""cfn-lint on the templates `ssmlint --fix --unsafe-fixes` changed: no new error.

Usage: check-fixes-cfn-lint.py CFN_LINT ORIGINAL_DIR FIXED_DIR

ORIGINAL_DIR and FIXED_DIR hold the same files, FIXED_DIR after `ssmlint --fix`. For
every file that differs, cfn-lint runs on both copies; its error-level findings (rule
id and the path in the template, `E...` rules only: messages list the template's
logical ids, which a fix may add to) are compared as sets, and any error of a fixed
copy that its original does not have fails the check. Warnings may come and go (a parameter
left unused by a removed `KeyName` is W2001).
"""
import json
import os
import subprocess
import sys


def changed(original, fixed):
    out = []
    for dirpath, _, files in os.walk(fixed):
        for name in files:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, fixed)
            before = os.path.join(original, rel)
            with open(path, "rb") as a, open(before, "rb") as b:
                if a.read() != b.read():
                    out.append(rel)
    return sorted(out)


messages = {}


def errors(cfn_lint, root, files):
    """{file: {(rule, path)}} of cfn-lint's errors on root/files, with a message each."""
    result = {f: set() for f in files}
    if not files:
        return result
    run = subprocess.run(
        [cfn_lint, "--format", "json", "--", *files],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 2, 4, 6, 8, 10, 12, 14) or not run.stdout.strip():
        if run.returncode != 0:
            sys.exit(f"cfn-lint failed (exit {run.returncode}): {run.stderr}")
        return result
    for match in json.loads(run.stdout):
        rule = match["Rule"]["Id"]
        if match.get("Level") == "Error" or rule.startswith("E"):
            name = os.path.normpath(match["Filename"])
            path = "/".join(str(p) for p in match.get("Location", {}).get("Path") or [])
            result.setdefault(name, set()).add((rule, path))
            messages[(name, rule, path)] = match["Message"]
    return result


def main():
    cfn_lint, original, fixed = sys.argv[1:4]
    files = changed(original, fixed)
    if not files:
        sys.exit("ssmlint --fix changed no file: nothing was checked")
    before = errors(cfn_lint, original, files)
    after = errors(cfn_lint, fixed, files)
    new = []
    for f in files:
        for rule, path in sorted(after.get(f, set()) - before.get(f, set())):
            new.append(f"  {f}: {rule} at {path or '?'}: {messages.get((f, rule, path), '')}")
    kept = sum(len(v) for v in before.values())
    print(f"  {len(files)} fixed files; cfn-lint errors: {kept} before, "
          f"{sum(len(v) for v in after.values())} after, {len(new)} new")
    if new:
        print("\n".join(new))
        sys.exit(1)


if __name__ == "__main__":
    main()

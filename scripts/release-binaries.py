#!/usr/bin/env python3
"""Release binaries from ssmlint's wheels: one archive per target, and SHA256SUMS.

    python3 scripts/release-binaries.py --out DIR WHEEL...

A wheel built by maturin with `bindings = "bin"` holds the binary as
`ssmlint-VERSION.data/scripts/ssmlint[.exe]`; its platform tag names the target. Each
binary goes, with the licences and the README, into `ssmlint-TARGET/` inside
`ssmlint-TARGET.tar.gz` (`.zip` for Windows); SHA256SUMS lists every archive in the
format of `sha256sum --check`. The release workflow runs it on the wheels it built, and
CI on the wheel it built, so the binary released is the one in the wheel.
"""

import argparse
import hashlib
import io
import os
import re
import sys
import tarfile
import zipfile

# (regular expression on the wheel's platform tag, target triple)
TARGETS = [
    (r"musllinux_\d+_\d+_x86_64", "x86_64-unknown-linux-musl"),
    (r"musllinux_\d+_\d+_aarch64", "aarch64-unknown-linux-musl"),
    (r"manylinux\w*_x86_64", "x86_64-unknown-linux-gnu"),
    (r"manylinux\w*_aarch64", "aarch64-unknown-linux-gnu"),
    (r"macosx_\d+_\d+_x86_64", "x86_64-apple-darwin"),
    (r"macosx_\d+_\d+_arm64", "aarch64-apple-darwin"),
    (r"win_amd64", "x86_64-pc-windows-msvc"),
    (r"win_arm64", "aarch64-pc-windows-msvc"),
]
EXTRA_FILES = ["LICENSE-MIT", "LICENSE-APACHE", "README.md", "CHANGELOG.md"]


def target_of(wheel: str) -> str:
    # name-version-python-abi-platform.whl; the platform may be `a.b` (several tags).
    platform = os.path.basename(wheel)[: -len(".whl")].split("-")[-1]
    for tag in platform.split("."):
        for pattern, target in TARGETS:
            if re.fullmatch(pattern, tag):
                return target
    raise SystemExit(f"error: no target for the platform tag of {wheel}")


def binary_of(wheel: str) -> tuple[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"[^/]+\.data/scripts/ssmlint(\.exe)?", name):
                return os.path.basename(name), archive.read(name)
    raise SystemExit(f"error: {wheel} holds no ssmlint binary")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("wheels", nargs="+")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(args.out, exist_ok=True)
    sums = []
    seen = {}
    for wheel in sorted(args.wheels):
        target = target_of(wheel)
        if target in seen:
            raise SystemExit(f"error: {wheel} and {seen[target]} are both {target}")
        seen[target] = wheel
        exe, data = binary_of(wheel)
        folder = f"ssmlint-{target}"
        files = [(exe, data, 0o755)]
        for extra in EXTRA_FILES:
            with open(os.path.join(root, extra), "rb") as f:
                files.append((extra, f.read(), 0o644))
        if exe.endswith(".exe"):
            name = f"{folder}.zip"
            with zipfile.ZipFile(os.path.join(args.out, name), "w", zipfile.ZIP_DEFLATED) as out:
                for file, content, mode in files:
                    info = zipfile.ZipInfo(f"{folder}/{file}", date_time=(1980, 1, 1, 0, 0, 0))
                    info.external_attr = (0o100000 | mode) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    out.writestr(info, content)
        else:
            name = f"{folder}.tar.gz"
            with tarfile.open(os.path.join(args.out, name), "w:gz") as out:
                for file, content, mode in files:
                    info = tarfile.TarInfo(f"{folder}/{file}")
                    info.size = len(content)
                    info.mode = mode
                    out.addfile(info, io.BytesIO(content))
        with open(os.path.join(args.out, name), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(args.out, name + ".sha256"), "w") as f:
            f.write(f"{digest}  {name}\n")
        sums.append(f"{digest}  {name}\n")
        print(f"{name}: {target}, from {os.path.basename(wheel)}")
    with open(os.path.join(args.out, "SHA256SUMS"), "w") as f:
        f.writelines(sums)
    return 0


if __name__ == "__main__":
    sys.exit(main())

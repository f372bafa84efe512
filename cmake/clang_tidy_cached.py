#!/usr/bin/env python3
"""clang-tidy over the translation units of a build, skipping the units whose
result is already known.

A unit's key is the SHA-256 of the clang-tidy version, the .clang-tidy file,
the unit's compile command and its preprocessed source (so a change to any
header it includes changes the key). A clean check stores the key in
BUILD_DIR/clang-tidy-cache/; a unit whose key is there is not checked again.
Preprocessing a unit takes about a second, checking it ten or more: a rerun
after a small change checks only the units that change reaches.

usage: clang_tidy_cached.py CLANG_TIDY BUILD_DIR SOURCE_DIR FILE_REGEX [JOBS]
Exit status 1 when any unit has a finding (the findings are printed), 0 otherwise.
"""
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys

# Options of the compile command that write files; preprocessing must not.
OUTPUT_OPTIONS_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ"}
OUTPUT_OPTIONS = {"-c", "-MD", "-MMD"}


def preprocess_command(entry):
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in OUTPUT_OPTIONS_WITH_VALUE:
            skip = True
        elif a not in OUTPUT_OPTIONS:
            out.append(a)
    return out + ["-E", "-o", "-"]


def check(unit, clang_tidy, build_dir, cache_dir, fixed):
    entry, file = unit
    command = preprocess_command(entry)
    pre = subprocess.run(command, cwd=entry["directory"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if pre.returncode != 0:
        return file, False, False, pre.stderr.decode(errors="replace")
    key = hashlib.sha256(fixed + "\0".join(command).encode() + b"\0" + pre.stdout).hexdigest()
    stamp = os.path.join(cache_dir, key)
    if os.path.exists(stamp):
        return file, True, True, ""
    tidy = subprocess.run([clang_tidy, "-p", build_dir, "--quiet", "--extra-arg=-Wno-unknown-warning-option", file],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if tidy.returncode == 0:
        open(stamp, "w").close()
    return file, tidy.returncode == 0, False, tidy.stdout.decode(errors="replace")


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    clang_tidy, build_dir, source_dir, regex = sys.argv[1:5]
    jobs = int(sys.argv[5]) if len(sys.argv) == 6 else os.cpu_count()
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        entries = json.load(f)
    units = [(e, os.path.join(e["directory"], e["file"])) for e in entries]
    units = [u for u in units if re.search(regex, u[1])]
    version = subprocess.run([clang_tidy, "--version"], stdout=subprocess.PIPE, check=True).stdout
    with open(os.path.join(source_dir, ".clang-tidy"), "rb") as f:
        fixed = version + b"\0" + f.read() + b"\0"
    cache_dir = os.path.join(build_dir, "clang-tidy-cache")
    os.makedirs(cache_dir, exist_ok=True)

    failed = cached = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for file, ok, was_cached, output in pool.map(lambda u: check(u, clang_tidy, build_dir, cache_dir, fixed), units):
            cached += was_cached
            if not ok:
                failed += 1
                print(f"{file}:\n{output}", flush=True)
    print(f"clang-tidy: {len(units)} units, {cached} unchanged since a clean check, {len(units) - cached} checked, {failed} with findings")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

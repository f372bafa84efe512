#!/usr/bin/env python3
"""clang-tidy over the translation units of a build, skipping the units whose
result is already known.

A unit has two keys, each the SHA-256 of the clang-tidy version, the
.clang-tidy file and the unit's compile command, with
- the content of every file the unit reads: the source and each header the
  compiler listed for it in Ninja's dependency log of the build (`ninja -t
  deps`). A new include can only come from a change to one of those files,
  so any change that reaches the unit changes this key. It takes milliseconds.
- or its preprocessed source, about a second a unit: for a unit the log does
  not describe as it is (not built, or a file it read changed since).
A clean check stores both keys in BUILD_DIR/clang-tidy-cache/; a unit with
either key there is not checked again, so a rerun after a small change runs
clang-tidy (ten seconds or more a unit) only on the units that change reaches.

usage: clang_tidy_cached.py CLANG_TIDY BUILD_DIR SOURCE_DIR FILE_REGEX [JOBS]
Exit status 1 when any unit has a finding (the findings are printed), 0 otherwise.
"""
import concurrent.futures
import functools
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


def arguments(entry):
    return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])


def object_file(entry):
    args = arguments(entry)
    return args[args.index("-o") + 1] if "-o" in args[:-1] else None


def preprocess_command(entry):
    out, skip = [], False
    for a in arguments(entry):
        if skip:
            skip = False
        elif a in OUTPUT_OPTIONS_WITH_VALUE:
            skip = True
        elif a not in OUTPUT_OPTIONS:
            out.append(a)
    return out + ["-E", "-o", "-"]


def build_dependencies(build_dir):
    """Object file (as the build names it) -> the files its compiler read, for
    the objects whose recorded dependencies are up to date."""
    try:
        log = subprocess.run(["ninja", "-C", build_dir, "-t", "deps"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return {}
    deps, current = {}, None
    for line in log.splitlines():
        if line.startswith("    "):
            if current is not None:
                current.append(os.path.join(build_dir, line.strip()))
        elif line:
            target, _, state = line.partition(": #deps")
            current = [] if state.endswith("(VALID)") else None
            if current is not None:
                deps[os.path.normpath(os.path.join(build_dir, target))] = current
    return deps


@functools.lru_cache(maxsize=None)
def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).digest()


def dependency_key(entry, file, prefix, deps):
    """The key from the build's dependency log, None when the log does not know the unit."""
    obj = os.path.normpath(os.path.join(entry["directory"], object_file(entry) or ""))
    read = deps.get(obj)
    if not read or os.path.normpath(file) not in map(os.path.normpath, read):
        return None
    h = hashlib.sha256(prefix)
    try:
        built = os.stat(obj).st_mtime_ns
        for path in sorted(set(read)):
            # A file changed since the object was built may include others now: the log is out of date.
            if os.stat(path).st_mtime_ns > built:
                return None
            h.update(path.encode() + b"\0" + file_digest(path))
    except OSError:
        return None  # a file gone since the build
    return "d" + h.hexdigest()


def check(unit, clang_tidy, build_dir, cache_dir, fixed, deps):
    entry, file = unit
    prefix = fixed + "\0".join(arguments(entry)).encode() + b"\0"
    stamps = []
    key = dependency_key(entry, file, prefix, deps)
    if key is not None:
        stamps.append(os.path.join(cache_dir, key))
        if os.path.exists(stamps[0]):
            return file, True, True, ""
    pre = subprocess.run(preprocess_command(entry), cwd=entry["directory"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    if pre.returncode != 0:
        return file, False, False, pre.stderr.decode(errors="replace")
    stamps.append(os.path.join(cache_dir, "p" + hashlib.sha256(prefix + pre.stdout).hexdigest()))
    if os.path.exists(stamps[-1]):
        ok, cached, output = True, True, ""
    else:
        tidy = subprocess.run([clang_tidy, "-p", build_dir, "--quiet", "--extra-arg=-Wno-unknown-warning-option", file],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        ok, cached, output = tidy.returncode == 0, False, tidy.stdout.decode(errors="replace")
    if ok:
        for stamp in stamps:
            open(stamp, "w").close()
    return file, ok, cached, output


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    clang_tidy, source_dir, regex = sys.argv[1], sys.argv[3], sys.argv[4]
    build_dir = os.path.abspath(sys.argv[2])
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
    deps = build_dependencies(build_dir)

    failed = cached = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for file, ok, was_cached, output in pool.map(
                lambda u: check(u, clang_tidy, build_dir, cache_dir, fixed, deps), units):
            cached += was_cached
            if not ok:
                failed += 1
                print(f"{file}:\n{output}", flush=True)
    print(f"clang-tidy: {len(units)} units, {cached} unchanged since a clean check, {len(units) - cached} checked, "
          f"{failed} with findings")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

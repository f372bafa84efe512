#!/usr/bin/python3
"""Peak memory of a long batch fit against a short one, in one run.

A plate read hourly for a month is tens of thousands of sweeps; `eisgrid fit`
must not keep them all. This copies one real NOVA recording of tests/data as
many times as it takes to reach each batch size, runs
`eisgrid fit FILES... --summary out.csv -q` on each, and reports each run's peak
resident set size (the child's own, from wait4) and time, and the ratio of the
largest to the smallest. The goal is memory flat in the number of sweeps: within
10% from 1000 to 10,000 sweeps. The summary's row count is checked against the
sweeps given.

Usage: bench_batch_memory.py EISGRID_BINARY [--sweeps 1000 10000] [--threads N]
Exits 1 when the ratio exceeds --max-ratio (default 1.10) or a summary is short.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "..", "tests", "data", "measured", "nova", "RPMI_TW01_d4_endohm1_freq")


def sweeps_in(binary, path):
    out = subprocess.run([binary, "fit", path, "--json", "--grid", "2"], check=True, capture_output=True, text=True).stdout
    return len(json.loads(out)["results"])


def run(binary, files, summary, threads):
    argv = [binary, "fit", *files, "--summary", summary, "-q"]
    if threads:
        argv += ["--threads", str(threads)]
    start = time.monotonic()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"eisgrid fit failed ({status})")
    return usage.ru_maxrss / 1024.0, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--sweeps", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--max-ratio", type=float, default=1.10)
    args = parser.parse_args()

    per_file = sweeps_in(args.binary, SOURCE)
    work = tempfile.mkdtemp(prefix="eisgrid-batch-")
    try:
        results = []
        for target in args.sweeps:
            count = -(-target // per_file)
            folder = os.path.join(work, str(target))
            os.makedirs(folder)
            files = []
            for i in range(count):
                path = os.path.join(folder, f"insert{i:05d}.txt")
                shutil.copyfile(SOURCE, path)
                files.append(path)
            summary = os.path.join(folder, "summary.csv")
            rss, elapsed = run(args.binary, files, summary, args.threads)
            with open(summary, newline="") as f:
                rows = sum(1 for _ in csv.DictReader(f))
            if rows != count * per_file:
                sys.exit(f"summary has {rows} rows for {count * per_file} sweeps")
            results.append((count * per_file, rss, elapsed))
            print(f"{count * per_file:7d} sweeps ({count} files): peak RSS {rss:7.1f} MB, {elapsed:7.1f} s, "
                  f"{count * per_file / elapsed:7.1f} sweeps/s")
            shutil.rmtree(folder)
        ratio = max(r[1] for r in results) / min(r[1] for r in results)
        print(f"peak RSS, largest batch / smallest: {ratio:.3f} (goal <= {args.max_ratio})")
        return 0 if ratio <= args.max_ratio else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs eisgrid and the numpy baseline on the same work, in one run, and
prints the ratios the sweep issue asks for. Usage:

    python3 bench/compare.py [BUILD_DIR]     (default build/release)

Figures depend on the machine and its load: compare ratios, not seconds.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "release")
CLI = os.path.join(BUILD, "src", "cli", "eisgrid")
BENCH = os.path.join(BUILD, "bench", "eisgrid_bench")
PY = "/usr/bin/python3"


def numpy(*args):
    out = subprocess.run([PY, os.path.join(HERE, "numpy_baseline.py"), *map(str, args)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def gbench(filter_, env=None):
    out = subprocess.run([BENCH, "--benchmark_filter=" + filter_, "--benchmark_format=json",
                          "--benchmark_min_time=2"], check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}).stdout
    return json.loads(out)["benchmarks"]


def timed(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main():
    report = {}
    # 1. Sweep throughput: g=20, 100 frequencies, best 1000 kept, no spectra.
    ours = gbench("sweep_keep/20/1000")[0]
    base = numpy("sweep", 20, 100, 1000)
    assert abs(ours["checksum"] - base["checksum"]) <= 1e-9 * base["checksum"], (ours["checksum"], base["checksum"])
    assert int(ours["best_index"]) == base["best_index"]
    work = 20 ** 5 * 100
    report["sweep_g20_eisgrid_per_s"] = ours["items_per_second"]
    report["sweep_g20_numpy_per_s"] = work / base["seconds"]
    report["sweep_g20_ratio"] = ours["items_per_second"] / (work / base["seconds"])
    for k in gbench("kernel_full_sums"):
        report["kernel_" + k["name"].split("/")[-1] + "_per_s_1_thread"] = k["items_per_second"]

    with tempfile.TemporaryDirectory() as tmp:
        # 2. Full export: g=10, 100 frequencies, every spectrum, compressed.
        ours_s = timed([CLI, "compute", "--grid", "10", "--spectra", "all", "-q", "--data", tmp])
        ours_file = os.path.join(tmp, "npz", "user_generated", "grid_10_freq_0.1_100000.npz")
        np_file = os.path.join(tmp, "numpy.npz")
        base_s = numpy("export", 10, 100, np_file)["seconds"]
        report["export_g10_eisgrid_s"] = ours_s
        report["export_g10_numpy_s"] = base_s
        report["export_g10_ratio"] = base_s / ours_s
        report["export_size_ratio"] = os.path.getsize(ours_file) / os.path.getsize(np_file)

        # 3. Reading that file back, every array.
        load = gbench("load_dataset", {"EISGRID_BENCH_FILE": ours_file})[0]
        ours_load = load["real_time"] / 1e3
        base_load = min(numpy("load", ours_file)["seconds"] for _ in range(3))
        report["load_g10_eisgrid_s"] = ours_load
        report["load_g10_numpy_s"] = base_load
        report["load_g10_ratio"] = base_load / ours_load

        # 3b. The same sweep stored uncompressed: arrays are read in place
        # from the mapped file rather than copied (numpy copies them).
        stored_file = os.path.join(tmp, "npz", "user_generated", "stored.npz")
        subprocess.run([CLI, "compute", "--grid", "10", "--spectra", "all", "--store", "-q", "--data", tmp,
                        "--output", "stored.npz"], check=True, capture_output=True)
        env = {"EISGRID_BENCH_FILE": stored_file}
        ours_stored = gbench("load_dataset", env)[0]["real_time"] / 1e3
        base_stored = min(numpy("load", stored_file)["seconds"] for _ in range(3))
        report["load_stored_g10_eisgrid_s"] = ours_stored
        report["load_stored_g10_numpy_s"] = base_stored
        report["load_stored_g10_ratio"] = base_stored / ours_stored
        copy, shared = (b["real_time"] for b in gbench("read_members", env))
        report["read_stored_copy_over_in_place"] = copy / shared

        # 4. Memory: peak RSS of a keep-1000 sweep at g=30.
        # A fresh parent whose only child is eisgrid, so no numpy run counts.
        probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        rss_kb = subprocess.run([PY, "-c", probe, CLI, "compute", "--grid", "30", "--keep", "1000", "-q",
                                 "--data", tmp], check=True, capture_output=True, text=True).stdout
        report["keep1000_g30_peak_rss_mb"] = int(rss_kb) / 1024

    for k, v in report.items():
        print(f"{k:40s} {v:.4g}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()

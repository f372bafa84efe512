#!/usr/bin/python3
"""Parallel efficiency of `eisgrid compute` on MPI ranks (SPEC 11): the same
sweep on 1 rank and on 2 ranks of this machine, one thread per rank, and the
single-core rate the projections of docs/cluster.md start from. Usage:

    /usr/bin/python3 bench/mpi/scaling.py [BUILD_DIR] [--grid G] [--keep K] [--repeat N]

Each configuration runs N times (default 3); the best time counts, as the
machine may be shared. Prints the load (uptime) before and after, the times,
the rate per core and the efficiency T1 / (2 T2). Checks its own answer: both
runs must give the same arrays (the test of compute.ranks, on this grid).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def run(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=ENV, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def load():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def same_arrays(a, b):
    x, y = np.load(a), np.load(b)
    return all(x[k].tobytes() == y[k].tobytes() for k in x.files if k != "metadata")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build", nargs="?", default=os.path.join(HERE, "..", "..", "build", "release"))
    p.add_argument("--grid", type=int, default=24)
    p.add_argument("--keep", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    cli = os.path.join(a.build, "src", "cli", "eisgrid")
    mpirun = shutil.which("mpirun")
    if not mpirun:
        sys.exit("mpirun not found (Debian: openmpi-bin)")
    work = tempfile.mkdtemp(prefix="eisgrid_mpi_bench_")
    sweep = ["compute", "-q", "--grid", str(a.grid), "--keep", str(a.keep), "--threads", "1", "--overwrite", "--data", work]
    configs = {
        "plain process, 1 thread": [cli, *sweep, "--output", "plain.npz"],
        "mpirun -np 1, 1 thread": [mpirun, "-np", "1", cli, *sweep, "--output", "one.npz"],
        "mpirun -np 2, 1 thread each": [mpirun, "-np", "2", "--bind-to", "core", cli, *sweep, "--output", "two.npz"],
    }
    print("load before:", load())
    times = {name: min(run(cmd) for _ in range(a.repeat)) for name, cmd in configs.items()}
    print("load after: ", load())
    points = a.grid ** 5
    out = os.path.join(work, "npz", "user_generated")
    ok = same_arrays(os.path.join(out, "one.npz"), os.path.join(out, "two.npz")) and same_arrays(
        os.path.join(out, "plain.npz"), os.path.join(out, "two.npz"))
    t1, t2 = times["mpirun -np 1, 1 thread"], times["mpirun -np 2, 1 thread each"]
    report = {
        "grid": a.grid, "keep": a.keep, "points": points, "repeat": a.repeat,
        "seconds": times,
        "points_per_second_per_core": points / times["plain process, 1 thread"],
        "speedup_2_ranks": t1 / t2,
        "efficiency_2_ranks": t1 / (2 * t2),
        "identical_arrays": ok,
    }
    print(json.dumps(report, indent=1))
    shutil.rmtree(work)
    if not ok:
        sys.exit("the ranks' result differs from one process's")


if __name__ == "__main__":
    main()

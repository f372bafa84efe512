#!/usr/bin/python3
"""Parallel efficiency of `eisgrid compute` on MPI ranks (SPEC 11): the same
sweep on 1 rank and on 2 ranks of this machine, one thread per rank, and the
single-core rate the projections of docs/cluster.md start from. Usage:

    /usr/bin/python3 bench/mpi/scaling.py [BUILD_DIR] [--grid G] [--keep K] [--repeat N]

Each configuration runs N times (default 3), interleaved; the best time
counts, as the machine may be shared. Two times per run: the wall time of the
command (with mpirun's start-up, about half a second here) and the sweep's own
time as the dataset records it (compute_seconds: sweep and merge on rank 0).
Prints the load (uptime) before and after, the times, the rate per core and
the efficiency T1 / (2 T2) of both. On a busy machine the ranks cannot run
at once and those efficiencies mean little; the CPU time of all processes
(user + sys, mpirun's included) still shows what the split costs in work:
cpu_efficiency = CPU(1 rank) / CPU(2 ranks), the efficiency 2 ranks reach on
two free cores if they finish together. Checks its own answer: both
runs must give the same arrays (the test of compute.ranks, on this grid).
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, output):
    cpu = cpu_of_children()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=ENV, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    sweep = json.loads(np.load(output)["metadata"].item())["compute_seconds"]
    return wall, sweep, cpu_of_children() - cpu


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
    out = os.path.join(work, "npz", "user_generated")
    print("load before:", load())
    runs = {name: [] for name in configs}
    for _ in range(a.repeat):
        for name, cmd in configs.items():
            runs[name].append(run(cmd, os.path.join(out, cmd[-1])))
    print("load after: ", load())
    wall = {name: min(x[0] for x in r) for name, r in runs.items()}
    sweep_s = {name: min(x[1] for x in r) for name, r in runs.items()}
    cpu = {name: min(x[2] for x in r) for name, r in runs.items()}
    points = a.grid ** 5
    ok = same_arrays(os.path.join(out, "one.npz"), os.path.join(out, "two.npz")) and same_arrays(
        os.path.join(out, "plain.npz"), os.path.join(out, "two.npz"))
    one, two = "mpirun -np 1, 1 thread", "mpirun -np 2, 1 thread each"
    report = {
        "grid": a.grid, "keep": a.keep, "points": points, "repeat": a.repeat,
        "wall_seconds": wall,
        "sweep_seconds": sweep_s,
        "cpu_seconds": cpu,
        "points_per_second_per_core": points / sweep_s["plain process, 1 thread"],
        "efficiency_2_ranks_wall": wall[one] / (2 * wall[two]),
        "efficiency_2_ranks_sweep": sweep_s[one] / (2 * sweep_s[two]),
        "cpu_efficiency_2_ranks": cpu[one] / cpu[two],
        "identical_arrays": ok,
    }
    print(json.dumps(report, indent=1))
    shutil.rmtree(work)
    if not ok:
        sys.exit("the ranks' result differs from one process's")


if __name__ == "__main__":
    main()

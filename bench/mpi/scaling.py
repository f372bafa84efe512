#!/usr/bin/python3
"""Parallel efficiency of `eisgrid compute` and `eisgrid fit` on MPI ranks
(SPEC 11): the same sweep, and the same batch of fits, on 1 rank and on 2
ranks of this machine, one thread per rank, and the single-core figures the
projections of docs/cluster.md start from. Usage:

    /usr/bin/python3 bench/mpi/scaling.py [BUILD_DIR] [--grid G] [--keep K] [--fits S] [--repeat N]
                                          [--mpirun-args "ARGS"]

The batch is the NOVA files of tests/data/measured/nova repeated until it
holds at least S sweeps (default 200; 0 skips the batch).

Each configuration runs N times (default 3), interleaved; the best time
counts, as the machine may be shared. Two times per run: the wall time of the
command (with the start-up of the MPI job, about 0.36 s here) and the sweep's own
time as the dataset records it (compute_seconds: sweep and merge on rank 0).
Prints the load (uptime) before and after, the times, the rate per core and
the efficiency T1 / (2 T2) of both. On a busy machine the ranks cannot run
at once and those efficiencies mean little; the CPU time of all processes
(user + sys, mpirun's included) still shows what the split costs in work:
cpu_efficiency = CPU(1 rank) / CPU(2 ranks), the efficiency 2 ranks reach on
two free cores if they finish together. Checks its own answer: both
runs must give the same arrays (the test of compute.ranks, on this grid).

A job's start-up does not depend on its work: a job of almost no work on N
ranks (a g=2 sweep: launch, MPI_Init, the dataset written, MPI_Finalize) is
timed too, and the wall efficiency is also given with it taken off both runs. For comparison with ranks, the sweep's own
time on 2 threads of one process shows what this machine's two cores give.
--mpirun-args goes to every mpirun, e.g. "--mca pml ob1": on a machine without
an HPC network Open MPI's UCX layer spends about 0.2 s of MPI_Init probing.
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


def sweep_seconds(dataset):
    return json.loads(np.load(dataset)["metadata"].item())["compute_seconds"]


def load():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def same_arrays(a, b):
    x, y = np.load(a), np.load(b)
    return all(x[k].tobytes() == y[k].tobytes() for k in x.files if k != "metadata")


def time_configs(configs, repeat, outputs, read):
    """Runs every configuration `repeat` times, interleaved; returns the best wall, own and CPU times."""
    runs = {name: [] for name in configs}
    for _ in range(repeat):
        for name, cmd in configs.items():
            cpu = cpu_of_children()
            start = time.perf_counter()
            subprocess.run(cmd, check=True, env=ENV, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            runs[name].append((wall, read(outputs[name]) if read else wall, cpu_of_children() - cpu))
    return ({name: min(x[k] for x in r) for name, r in runs.items()} for k in range(3))


def start_up(cli, mpirun, work, repeat):
    """The best wall time of an mpirun job of 1 and of 2 ranks with almost no work."""
    configs = {n: [*mpirun, "-np", str(n), cli, "compute", "-q", "--grid", "2", "--threads", "1", "--overwrite", "--data", work,
                   "--output", "start_up.npz"] for n in (1, 2)}
    wall, _, _ = time_configs(configs, repeat, {}, None)
    return wall


def after_start_up(wall, one, two, start):
    return (wall[one] - start[1]) / (2 * (wall[two] - start[2]))


def fit_batch(cli, mpirun, start, work, sweeps, repeat):
    nova = os.path.join(HERE, "..", "..", "tests", "data", "measured", "nova")
    originals = sorted(os.path.join(nova, f) for f in os.listdir(nova) if not f.endswith((".json", ".md")))  # recordings only
    counted = subprocess.run([cli, "fit", "--json", "--threads", "1", *originals], check=True, env=ENV, capture_output=True, text=True)
    per_round = len(json.loads(counted.stdout)["results"])
    rounds = -(-sweeps // per_round)
    files = []
    for r in range(rounds):
        for f in originals:
            copy = os.path.join(work, "batch", f"{r:03d}_{os.path.basename(f)}")
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            shutil.copyfile(f, copy)
            files.append(copy)
    base = ["fit", "-q", "--threads", "1"]
    configs = {
        "plain process, 1 thread": [cli, *base, "--summary", os.path.join(work, "plain.csv"), *files],
        "mpirun -np 1, 1 thread": [*mpirun, "-np", "1", cli, *base, "--summary", os.path.join(work, "one.csv"), *files],
        "mpirun -np 2, 1 thread each": [*mpirun, "-np", "2", "--bind-to", "core", cli, *base, "--summary", os.path.join(work, "two.csv"),
                                         *files],
    }
    outputs = {name: cmd[cmd.index("--summary") + 1] for name, cmd in configs.items()}
    print("load before:", load())
    wall, _, cpu = time_configs(configs, repeat, outputs, None)
    print("load after: ", load())
    texts = {name: open(path).read() for name, path in outputs.items()}
    one, two = "mpirun -np 1, 1 thread", "mpirun -np 2, 1 thread each"
    return {
        "sweeps": rounds * per_round, "files": len(files), "repeat": repeat,
        "wall_seconds": wall, "cpu_seconds": cpu,
        "cpu_seconds_per_fit": cpu["plain process, 1 thread"] / (rounds * per_round),
        "efficiency_2_ranks_wall": wall[one] / (2 * wall[two]),
        "efficiency_2_ranks_wall_after_start_up": after_start_up(wall, one, two, start),
        "cpu_efficiency_2_ranks": cpu[one] / cpu[two],
        "identical_summaries": len(set(texts.values())) == 1,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build", nargs="?", default=os.path.join(HERE, "..", "..", "build", "release"))
    p.add_argument("--grid", type=int, default=24)
    p.add_argument("--keep", type=int, default=1000)
    p.add_argument("--fits", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--mpirun-args", default="", help="extra arguments for every mpirun, e.g. '--mca pml ob1'")
    a = p.parse_args()
    cli = os.path.join(a.build, "src", "cli", "eisgrid")
    if not shutil.which("mpirun"):
        sys.exit("mpirun not found (Debian: openmpi-bin)")
    mpirun = [shutil.which("mpirun"), *a.mpirun_args.split()]
    work = tempfile.mkdtemp(prefix="eisgrid_mpi_bench_")
    def sweep(threads, output):
        return ["compute", "-q", "--grid", str(a.grid), "--keep", str(a.keep), "--threads", str(threads), "--overwrite", "--data", work,
                "--output", output]

    configs = {
        "plain process, 1 thread": [cli, *sweep(1, "plain.npz")],
        "mpirun -np 1, 1 thread": [*mpirun, "-np", "1", cli, *sweep(1, "one.npz")],
        "mpirun -np 2, 1 thread each": [*mpirun, "-np", "2", "--bind-to", "core", cli, *sweep(1, "two.npz")],
        "plain process, 2 threads": [cli, *sweep(2, "threads.npz")],
    }
    out = os.path.join(work, "npz", "user_generated")
    print("load before:", load())
    wall, sweep_s, cpu = time_configs(configs, a.repeat, {name: os.path.join(out, cmd[-1]) for name, cmd in configs.items()},
                                      sweep_seconds)
    start = start_up(cli, mpirun, work, a.repeat)
    print("load after: ", load())
    points = a.grid ** 5
    ok = same_arrays(os.path.join(out, "one.npz"), os.path.join(out, "two.npz")) and same_arrays(
        os.path.join(out, "plain.npz"), os.path.join(out, "two.npz"))
    one, two = "mpirun -np 1, 1 thread", "mpirun -np 2, 1 thread each"
    report = {
        "grid": a.grid, "keep": a.keep, "points": points, "repeat": a.repeat,
        "mpirun_start_up_seconds": start,
        "wall_seconds": wall,
        "sweep_seconds": sweep_s,
        "cpu_seconds": cpu,
        "points_per_second_per_core": points / sweep_s["plain process, 1 thread"],
        "efficiency_2_ranks_wall": wall[one] / (2 * wall[two]),
        "efficiency_2_ranks_wall_after_start_up": after_start_up(wall, one, two, start),
        "efficiency_2_ranks_sweep": sweep_s[one] / (2 * sweep_s[two]),
        "efficiency_2_threads_sweep": sweep_s["plain process, 1 thread"] / (2 * sweep_s["plain process, 2 threads"]),
        "cpu_efficiency_2_ranks": cpu[one] / cpu[two],
        "identical_arrays": ok,
    }
    if a.fits:
        report["fit_batch"] = fit_batch(cli, mpirun, start, work, a.fits, a.repeat)
        ok = ok and report["fit_batch"]["identical_summaries"]
    print(json.dumps(report, indent=1))
    shutil.rmtree(work)
    if not ok:
        sys.exit("the ranks' result differs from one process's")


if __name__ == "__main__":
    main()

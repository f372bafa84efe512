#!/usr/bin/python3
"""eisgrid fit against an independent multi-start fit, on the NOVA sweeps of tests/data.

The baseline is what labs do in MATLAB and Python: scipy.optimize.least_squares
(trust region reflective, bounds) from many random starts in log-parameter space,
the same model Z = Rs + Rsh || (Ra||Ca + Rb||Cb) and the same objective (modulus:
residuals (Re dZ, Im dZ) / |Z_measured|), within the same default ranges as
eisgrid fit. One run reports, per usable sweep: the time per sweep and the
resnorm of each, and their ratio; then sweeps per second of eisgrid on a batch
of 1000 sweeps (those sweeps repeated).

Usage: bench_fit.py EISGRID_BINARY [--starts 120] [--batch 1000] [--threads N]
Checks its own answer: eisgrid's resnorm must be no worse than the baseline's
(to 1e-6 relative) on every sweep, else it exits 1.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import least_squares

HERE = os.path.dirname(os.path.abspath(__file__))
NOVA = os.path.join(HERE, "..", "..", "tests", "data", "measured", "nova")

# eisgrid fit's default ranges (src/fit/fit.hpp): Rs, Rsh, Ra, Ca, Rb, Cb.
LOWER = np.log([0.01, 10.0, 1.0, 1e-9, 1.0, 1e-9])
UPPER = np.log([1e4, 1e7, 1e6, 1e-3, 1e6, 1e-3])


def read_nova(path):
    """Sweeps of a NOVA text export: a date line, a header, rows of time, f, Z', -Z''."""
    sweeps = []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if "/" in line and "\t" not in line:
                sweeps.append(([], []))
                continue
            fields = line.split("\t")
            try:
                freq, re, minus_im = float(fields[1]), float(fields[2]), float(fields[3])
            except (ValueError, IndexError):
                continue
            sweeps[-1][0].append(freq)
            sweeps[-1][1].append(complex(re, -minus_im))
    return [(np.array(f), np.array(z)) for f, z in sweeps]


def model(x, omega):
    rs, rsh, ra, ca, rb, cb = np.exp(x)
    za = ra / (1 + 1j * omega * ra * ca)
    zb = rb / (1 + 1j * omega * rb * cb)
    s = za + zb
    return rs + rsh * s / (rsh + s)


def modulus(x, omega, z):
    return math.sqrt(np.mean(np.abs(model(x, omega) - z) ** 2 / np.abs(z) ** 2))


def baseline_fit(freq, z, starts, rng):
    omega = 2 * np.pi * freq
    weight = 1 / np.abs(z)

    def residuals(x):
        d = (model(x, omega) - z) * weight
        return np.concatenate([d.real, d.imag])

    best = None
    for _ in range(starts):
        x0 = rng.uniform(LOWER, UPPER)
        x0[0] = math.log(max(0.02, rng.uniform(0.5, 1.0) * max(z.real.min(), 0.02)))
        try:
            r = least_squares(residuals, x0, bounds=(LOWER, UPPER), method="trf", x_scale="jac", max_nfev=2000)
        except ValueError:
            continue
        value = modulus(r.x, omega, z)
        if best is None or value < best[0]:
            best = (value, r.x)
    return best


def run_eisgrid(binary, files, threads):
    start = time.perf_counter()
    out = subprocess.run([binary, "fit", "--json", "--threads", str(threads)] + files, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, json.loads(out.stdout)["results"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eisgrid")
    ap.add_argument("--starts", type=int, default=120)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    with open(os.path.join(NOVA, "expected_fits.json")) as f:
        expected = json.load(f)["good"]
    files = sorted({e["file"] for e in expected})
    paths = [os.path.join(NOVA, f) for f in files]

    # eisgrid, one thread, each file on its own so that the time is per sweep of it.
    eis = {}
    eis_time = {}
    for name, path in zip(files, paths):
        seconds, results = run_eisgrid(a.eisgrid, [path], 1)
        for r in results:
            eis[(name, r["sweep"])] = r
            eis_time[(name, r["sweep"])] = seconds / len(results)

    rng = np.random.default_rng(20261130)
    print(f"{'sweep':<58} {'scipy s':>8} {'eisgrid s':>9} {'speedup':>8} {'scipy resnorm':>14} {'eisgrid resnorm':>15} {'ratio':>9}")
    worse = []
    total_scipy = total_eis = 0.0
    for e in expected:
        key = (e["file"], e["sweep"])
        freq, z = read_nova(os.path.join(NOVA, e["file"]))[e["sweep"]]
        start = time.perf_counter()
        value, _ = baseline_fit(freq, z, a.starts, rng)
        t_scipy = time.perf_counter() - start
        r = eis[key]
        t_eis = eis_time[key]
        total_scipy += t_scipy
        total_eis += t_eis
        ratio = r["resnorm"] / value
        if ratio > 1 + 1e-6:
            worse.append(key)
        print(f"{e['file'][:52] + '/' + str(e['sweep']):<58} {t_scipy:8.3f} {t_eis:9.4f} {t_scipy / t_eis:7.0f}x "
              f"{value:14.8f} {r['resnorm']:15.8f} {ratio:9.6f}")
    n = len(expected)
    print(f"mean per sweep: scipy ({a.starts} starts) {total_scipy / n:.3f} s, eisgrid fit {total_eis / n:.4f} s: "
          f"{total_scipy / total_eis:.0f}x faster")

    # Batch: the sweeps repeated up to a.batch sweeps, fitted in one command.
    with tempfile.TemporaryDirectory() as tmp:
        batch_files = []
        sweeps = 0
        copy = 0
        while sweeps < a.batch:
            for name, path in zip(files, paths):
                if sweeps >= a.batch:
                    break
                target = os.path.join(tmp, f"{copy:04d}_{name}")
                shutil.copyfile(path, target)
                batch_files.append(target)
                sweeps += sum(1 for k in eis if k[0] == name)
            copy += 1
        seconds, results = run_eisgrid(a.eisgrid, batch_files, a.threads)
    print(f"batch: {len(results)} sweeps in {seconds:.2f} s with {a.threads} threads: {len(results) / seconds:.1f} sweeps/s")

    if worse:
        print("eisgrid's resnorm is worse than the baseline's on:", worse)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

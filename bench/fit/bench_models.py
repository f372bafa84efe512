#!/usr/bin/python3
"""The models of SPEC 12 (rc, cpe, rc_electrode): their cost, and eisgrid against
an independent multi-start fit of the same models.

Two comparisons from one run, on every sweep of expected_models.json:
1. eisgrid fit --model all against eisgrid fit --model rc (one thread, each file
   alone, best of --repeat runs), wall clock of the command, process start-up
   included; the in-process ratio (the goal: all three at most 4x rc) is
   eisgrid_bench's fit_all_models against fit_rc (bench/fit_models_bench.cpp).
2. For cpe and rc_electrode: scipy.optimize.least_squares (trust region
   reflective) from --starts random starts in the models' coordinates (log for
   positive quantities, alpha linear in [0.5, 1]) within eisgrid's ranges, the
   same objective (modulus); time per sweep and resnorm, against eisgrid fit
   --model M (which fits rc first and starts from it; its time is counted
   whole).

Usage: bench_models.py EISGRID_BINARY [--starts 64] [--repeat 3] [--nova DIR]
Exits 1 if eisgrid's resnorm is worse than the baseline's (by more than 1e-6
relative) on any sweep and model.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import least_squares

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_fit import read_nova  # noqa: E402

NOVA = os.path.join(HERE, "..", "..", "tests", "data", "measured", "nova")

# (name, lower, upper, log) of each parameter, as src/model/*_model.hpp define
# the measured ranges.
MODELS = {
    "cpe": [("Rs", 0.01, 1e4, True), ("Rsh", 10, 1e7, True), ("Ra", 1, 1e6, True), ("Qa", 1e-9, 1.0, True),
            ("alpha_a", 0.5, 1.0, False), ("Rb", 1, 1e6, True), ("Qb", 1e-9, 1.0, True), ("alpha_b", 0.5, 1.0, False)],
    "rc_electrode": [("Rs", 0.01, 1e4, True), ("Qel", 1e-6, 1e3, True), ("alpha_el", 0.5, 1.0, False), ("Rsh", 10, 1e7, True),
                     ("Ra", 1, 1e6, True), ("Ca", 1e-9, 1e-3, True), ("Rb", 1, 1e6, True), ("Cb", 1e-9, 1e-3, True)],
}


def impedance(name, p, omega):
    if name == "cpe":
        rs, rsh, ra, qa, aa, rb, qb, ab = p
        za = 1 / (1 / ra + qa * (1j * omega) ** aa)
        zb = 1 / (1 / rb + qb * (1j * omega) ** ab)
        s = za + zb
        return rs + rsh * s / (rsh + s)
    rs, qel, ael, rsh, ra, ca, rb, cb = p
    s = ra / (1 + 1j * omega * ra * ca) + rb / (1 + 1j * omega * rb * cb)
    return rs + 1 / (qel * (1j * omega) ** ael) + rsh * s / (rsh + s)


def to_params(name, x):
    return [math.exp(v) if log else v for v, (_, _, _, log) in zip(x, MODELS[name])]


def baseline(name, freq, z, starts, rng):
    spec = MODELS[name]
    lower = np.array([math.log(lo) if log else lo for _, lo, _, log in spec])
    upper = np.array([math.log(hi) if log else hi for _, _, hi, log in spec])
    omega = 2 * np.pi * freq
    weight = 1 / np.abs(z)

    def residuals(x):
        d = (impedance(name, to_params(name, x), omega) - z) * weight
        return np.concatenate([d.real, d.imag])

    best = None
    for _ in range(starts):
        x0 = rng.uniform(lower, upper)
        try:
            r = least_squares(residuals, x0, bounds=(lower, upper), method="trf", x_scale="jac", max_nfev=2000)
        except ValueError:
            continue
        d = impedance(name, to_params(name, r.x), omega) - z
        value = math.sqrt(np.mean(np.abs(d) ** 2 / np.abs(z) ** 2))
        if best is None or value < best:
            best = value
    return best


def timed_fit(binary, path, models, repeat):
    best = math.inf
    results = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run([binary, "fit", "--json", "--threads", "1", "--model", models, path], check=True, capture_output=True,
                             text=True)
        best = min(best, time.perf_counter() - start)
        results = json.loads(out.stdout)["results"]
    return best, results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eisgrid")
    ap.add_argument("--starts", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--nova", default=NOVA)
    a = ap.parse_args()
    with open(os.path.join(a.nova, "expected_models.json")) as f:
        expected = json.load(f)["sweeps"]
    files = sorted({e["file"] for e in expected})
    sweeps_of = {name: sum(1 for e in expected if e["file"] == name) for name in files}

    print("1. all three models against rc alone (eisgrid fit, one thread, per sweep, start-up included)")
    t_rc = t_all = 0.0
    fits = {}
    per_model_time = {"cpe": {}, "rc_electrode": {}}
    for name in files:
        path = os.path.join(a.nova, name)
        rc_s, _ = timed_fit(a.eisgrid, path, "rc", a.repeat)
        all_s, results = timed_fit(a.eisgrid, path, "all", a.repeat)
        for r in results:
            fits[(name, r["sweep"], r["model"])] = r
        for m in per_model_time:
            per_model_time[m][name] = timed_fit(a.eisgrid, path, m, a.repeat)[0] / sweeps_of[name]
        t_rc += rc_s
        t_all += all_s
        print(f"  {name[:50]:<50} rc {1e3 * rc_s / sweeps_of[name]:7.1f} ms  all {1e3 * all_s / sweeps_of[name]:7.1f} ms  "
              f"{all_s / rc_s:4.2f}x")
    print(f"  in all: rc {t_rc:.3f} s, all three {t_all:.3f} s: {t_all / t_rc:.2f}x (start-up included)")

    print(f"2. against scipy least_squares from {a.starts} random starts, per sweep")
    rng = np.random.default_rng(20261205)
    worse = []
    for m in ("cpe", "rc_electrode"):
        t_scipy = t_eis = 0.0
        for e in expected:
            freq, z = read_nova(os.path.join(a.nova, e["file"]))[e["sweep"]]
            start = time.perf_counter()
            value = baseline(m, freq, z, a.starts, rng)
            seconds = time.perf_counter() - start
            t_scipy += seconds
            t_eis += per_model_time[m][e["file"]]
            mine = fits[(e["file"], e["sweep"], m)]["resnorm"]
            if mine > value * (1 + 1e-6):
                worse.append((e["file"], e["sweep"], m))
            print(f"  {m:<13} {e['file'][:44] + '/' + str(e['sweep']):<48} scipy {seconds:7.2f} s {value:.8f}  "
                  f"eisgrid {1e3 * per_model_time[m][e['file']]:6.1f} ms {mine:.8f}  ratio {mine / value:.6f}")
        print(f"  {m}: scipy {t_scipy / len(expected):.2f} s a sweep, eisgrid {1e3 * t_eis / len(expected):.1f} ms: "
              f"{t_scipy / t_eis:.0f}x faster")
    if worse:
        print("eisgrid's resnorm is worse than the baseline's on:", worse)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Writes global_cases.json: the reference optima of tests/fit/global_test.cpp.

Random cell-layer-like circuits (membrane resistances 10 ohm to 5 kohm and
1 ohm to 5 kohm, membrane time constants 10 us to 50 ms at least a factor 2
apart, Rs 2 to 200 ohm, Rsh 30 ohm to 1 Mohm), 1 % complex noise, 29
log-spaced frequencies from 2 Hz to 50 kHz as the NOVA files have. Each case
is fitted here by scipy.optimize.least_squares (trust region reflective,
bounded) from the truth, in the raw parameters Rs, Rsh, Ra, Ca, Rb, Cb on a log
axis, within eisgrid's measured ranges (SPEC 10), minimising the modulus
metric sqrt(mean(|Z - Z_meas|^2 / |Z_meas|^2)). That optimum is independent
of eisgrid's own code; eisgrid's fit, which does not know the truth, must do
at least as well.

Run with numpy and scipy: python3 make_global_cases.py > global_cases.json
"""
import json
import sys

import numpy as np
import scipy
from scipy.optimize import least_squares

CASES = 60
MIN_TAU_RATIO = 2.0
# Rs, Rsh, Ra, Ca, Rb, Cb: the measured ranges of SPEC 10 (rc model).
LOWER = np.array([0.01, 10.0, 1.0, 1e-9, 1.0, 1e-9])
UPPER = np.array([1e4, 1e7, 1e6, 1e-3, 1e6, 1e-3])


def impedance(p, f):
    rs, rsh, ra, ca, rb, cb = p
    w = 2 * np.pi * f
    za = ra / (1 + 1j * w * ra * ca)
    zb = rb / (1 + 1j * w * rb * cb)
    return rs + rsh * (za + zb) / (rsh + za + zb)


def modulus(p, f, z):
    return float(np.sqrt(np.mean(np.abs(impedance(p, f) - z) ** 2 / np.abs(z) ** 2)))


def main():
    rng = np.random.default_rng(7)
    f = np.logspace(np.log10(2), np.log10(5e4), 29)
    log_uniform = lambda lo, hi: float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    cases = []
    while len(cases) < CASES:
        rs = log_uniform(2, 200)
        ra, rb = log_uniform(10, 5000), log_uniform(1, 5000)
        tau_a, tau_b = log_uniform(1e-5, 5e-2), log_uniform(1e-5, 5e-2)
        rsh = log_uniform(30, 1e6)
        if abs(np.log(tau_a / tau_b)) < np.log(MIN_TAU_RATIO):
            continue
        truth = np.array([rs, rsh, ra, tau_a / ra, rb, tau_b / rb])
        if np.any(truth < LOWER) or np.any(truth > UPPER):
            continue
        clean = impedance(truth, f)
        z = clean + np.abs(clean) * (rng.normal(0, 0.01, f.size) + 1j * rng.normal(0, 0.01, f.size))

        def residuals(x):
            d = (impedance(np.exp(x), f) - z) / np.abs(z) / np.sqrt(f.size)
            return np.concatenate([d.real, d.imag])

        fit = least_squares(residuals, np.log(truth), bounds=(np.log(LOWER), np.log(UPPER)), method="trf", x_scale="jac",
                            ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=20000)
        best = np.exp(fit.x)
        cases.append({
            "truth": truth.tolist(),
            "z_re": z.real.tolist(),
            "z_im": z.imag.tolist(),
            "scipy_params": best.tolist(),
            "scipy_modulus": modulus(best, f, z),
            "truth_modulus": modulus(truth, f, z),
        })
    json.dump({
        "made_by": "tests/data/fit/make_global_cases.py (numpy %s, scipy %s)" % (np.__version__, scipy.__version__),
        "parameters": ["Rs", "Rsh", "Ra", "Ca", "Rb", "Cb"],
        "lower": LOWER.tolist(),
        "upper": UPPER.tolist(),
        "metric": "modulus",
        "frequencies": f.tolist(),
        "cases": cases,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

"""Bad input gets a Python exception that says what is wrong and, for a name,
which ones are valid; never a crash."""
import os

import numpy as np
import pytest

import eisgrid
from conftest import NOVA

F = np.logspace(5, 0, 30)
Z = eisgrid.impedance("rc", {"Rs": 20, "Rsh": 900, "Ra": 10, "Ca": 2e-6, "Rb": 400, "Cb": 1e-6}, F)
NOVA_FILE = os.path.join(NOVA, "16HBE_TW01_d3_endohm1_freq")

CASES = [
    ("strings as frequencies", lambda: eisgrid.fit("1,2,3", Z), TypeError, "frequencies must be an array of numbers"),
    ("object array", lambda: eisgrid.fit(np.array(["a"] * 30), Z), TypeError, "frequencies must be real numbers"),
    ("complex frequencies", lambda: eisgrid.fit(F.astype(complex), Z), TypeError, "frequencies must be real numbers"),
    ("text z", lambda: eisgrid.fit(F, ["x"] * 30), TypeError, "z must be complex numbers"),
    ("2-D frequencies", lambda: eisgrid.fit(F.reshape(5, 6), Z), ValueError, r"1-D array \(got shape \(5, 6\)\)"),
    ("2-D z", lambda: eisgrid.fit(F, np.stack([Z, Z])), ValueError, "z must be a 1-D array"),
    ("scalar", lambda: eisgrid.fit(1000.0, 5 - 1j), ValueError, "1-D array"),
    ("lengths differ", lambda: eisgrid.fit(F, Z[:-1]), ValueError, r"differ in length \(30 and 29\)"),
    ("empty", lambda: eisgrid.fit([], []), ValueError, "empty"),
    ("NaN frequency", lambda: eisgrid.fit(np.where(np.arange(30) == 4, np.nan, F), Z), ValueError, r"frequencies\[4\] is nan"),
    ("NaN in z", lambda: eisgrid.fit(F, np.where(np.arange(30) == 7, np.nan, Z)), ValueError, r"z\[7\]"),
    ("infinite z", lambda: eisgrid.fit(F, np.where(np.arange(30) == 2, np.inf, Z)), ValueError, r"z\[2\]"),
    ("negative frequency", lambda: eisgrid.fit(-F, Z), ValueError, "must be positive"),
    ("unknown model", lambda: eisgrid.fit(F, Z, model="randles"), ValueError, "rc, cpe, rc_electrode"),
    ("unknown model in list", lambda: eisgrid.fit(F, Z, models=["rc", "warburg"]), ValueError, "rc, cpe, rc_electrode"),
    ("unknown metric", lambda: eisgrid.fit(F, Z, metric="chi2"), ValueError, "modulus, mae, rmse, relative"),
    ("bad rs", lambda: eisgrid.fit(F, Z, rs="fixed"), ValueError, "'free' or a positive series resistance"),
    ("negative rs", lambda: eisgrid.fit(F, Z, rs=-3), ValueError, "'free' or a positive"),
    ("bad area", lambda: eisgrid.fit(F, Z, area=0), ValueError, "area must be a positive number of cm2"),
    ("nan area", lambda: eisgrid.fit(F, Z, area=float("nan")), ValueError, "area must be a positive"),
    ("unknown range", lambda: eisgrid.fit(F, Z, ranges={"Rq": (1, 2)}), ValueError, "Rs, Rsh, Ra, Ca, Rb, Cb"),
    ("another model's range", lambda: eisgrid.fit(F, Z, ranges={"alpha_a": (0.6, 1)}), ValueError, "Rs, Rsh, Ra, Ca, Rb, Cb"),
    ("exponent out of bounds", lambda: eisgrid.fit(F, Z, model="cpe", ranges={"alpha_a": (0.3, 1)}), ValueError, "between 0.5 and 1"),
    ("bad range item", lambda: eisgrid.fit(F, Z, ranges=["Ca=1e-7"]), ValueError, "Ca"),
    ("bad range shape", lambda: eisgrid.fit(F, Z, ranges={"Ca": (1e-7,)}), ValueError, r"\(min, max\)"),
    ("grid too small", lambda: eisgrid.fit(F, Z, grid=1), ValueError, "from 2 to 60"),
    ("threads zero", lambda: eisgrid.fit_files([NOVA_FILE], threads=0), ValueError, "threads must be a positive"),
    ("unknown format", lambda: eisgrid.fit_files([NOVA_FILE], format="xlsx"), ValueError, "csv, nova, gamry"),
    ("model of impedance", lambda: eisgrid.impedance("rcc", [1] * 6, F), ValueError, "rc, cpe, rc_electrode"),
    ("parameters of impedance", lambda: eisgrid.impedance("rc", {"Rs": 1}, F), ValueError, "missing: Rsh, Ra, Ca, Rb, Cb"),
    ("extra parameter", lambda: eisgrid.impedance("rc", {"Rs": 1, "Rsh": 1, "Ra": 1, "Ca": 1, "Rb": 1, "Cb": 1, "L": 1}, F), ValueError,
     "unknown: L"),
    ("count of impedance values", lambda: eisgrid.impedance("cpe", [1, 2], F), ValueError, "takes 8 parameters"),
    ("NaN parameter", lambda: eisgrid.impedance("rc", [1, 2, 3, np.nan, 5, 6], F), ValueError, "must be finite"),
    ("kk lengths", lambda: eisgrid.kramers_kronig(F, Z[:3]), ValueError, "differ in length"),
]


@pytest.mark.parametrize("call,kind,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_a_python_error(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


def test_a_range_of_the_models_own_parameter_bounds_its_fit():
    # The spectrum is ideal (alpha = 1 at the optimum): bounded below 0.7, both exponents end inside.
    r = eisgrid.fit(F, Z, models=["rc", "cpe"], ranges={"alpha_a": (0.5, 0.7), "alpha_b": (0.5, 0.7), "Ca": (1e-9, 1e-3)})
    cpe = r["cpe"].params
    assert 0.5 <= cpe["alpha_a"] <= 0.7 and 0.5 <= cpe["alpha_b"] <= 0.7, cpe
    assert r["cpe"].resnorm > r["rc"].resnorm


def test_impedance_is_the_circuit():
    # Z = Rs + Rsh || (Ra||Ca + Rb||Cb), written out here independently.
    p = {"Rs": 20.0, "Rsh": 900.0, "Ra": 10.0, "Ca": 2e-6, "Rb": 400.0, "Cb": 1e-6}
    w = 2 * np.pi * F
    za = p["Ra"] / (1 + 1j * w * p["Ra"] * p["Ca"])
    zb = p["Rb"] / (1 + 1j * w * p["Rb"] * p["Cb"])
    expected = p["Rs"] + p["Rsh"] * (za + zb) / (p["Rsh"] + za + zb)
    np.testing.assert_allclose(Z, expected, rtol=1e-13)
    np.testing.assert_array_equal(eisgrid.impedance("rc", list(p.values()), F), Z)


def test_kramers_kronig_passes_a_circuit_and_fails_a_distorted_spectrum():
    ok = eisgrid.kramers_kronig(F, Z)
    assert ok.tested and ok.passed and ok.max_residual < 0.01
    assert ok.fitted.shape == Z.shape
    distorted = Z * (1 + 0.3 * np.sin(np.arange(30)))
    bad = eisgrid.kramers_kronig(F, distorted)
    assert bad.tested and not bad.passed and bad.max_residual > 0.05


def test_models_and_version():
    assert [m.name for m in eisgrid.models()] == list(eisgrid.MODELS) == ["rc", "cpe", "rc_electrode"]
    assert eisgrid.models()[0].parameters[0] == ("Rs", "ohm")
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(root, "CMakeLists.txt")) as f:
        assert f"project(eisgrid VERSION {eisgrid.__version__} " in f.read()

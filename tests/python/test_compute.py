"""eisgrid.compute against `eisgrid compute`: the same options give the same dataset."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import eisgrid
from conftest import NOVA


def arrays(path):
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def test_compute_writes_the_command_lines_dataset(cli, tmp_path):
    options = dict(grid=4, fmin=1.0, fmax=1e4, points=20, keep=50, ref={"Rsh": 3000.0, "Ca": 2e-6})
    path = eisgrid.compute(**options, data=tmp_path / "py", output="run.npz", progress=False)
    assert path == str(tmp_path / "py" / "npz" / "user_generated" / "run.npz")
    cli("compute", "--grid", "4", "--fmin", "1", "--fmax", "1e4", "--points", "20", "--keep", "50", "--ref", "Rsh=3000,Ca=2e-6",
        "--data", str(tmp_path / "cli"), "--output", "run.npz", "--quiet")
    ours, theirs = arrays(path), arrays(tmp_path / "cli" / "npz" / "user_generated" / "run.npz")
    assert set(ours) == set(theirs)
    for key in ours:
        if ours[key].dtype.kind in "fiuc":
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
    assert len(ours["params"] if "params" in ours else next(iter(ours.values()))) > 0


def test_compute_of_the_cpe_grid_is_the_command_lines(cli, tmp_path):
    ranges = {"alpha_a": (0.6, 1.0, 3), "alpha_b": (0.8, 1.0, 2)}
    path = eisgrid.compute(grid=3, model="cpe", ranges=ranges, keep=30, data=tmp_path / "py", output="cpe.npz", progress=False)
    cli("compute", "--model", "cpe", "--grid", "3", "--range", "alpha_a=0.6:1:3", "--range", "alpha_b=0.8:1:2", "--keep", "30",
        "--data", str(tmp_path / "cli"), "--output", "cpe.npz", "--quiet")
    ours, theirs = arrays(path), arrays(tmp_path / "cli" / "npz" / "user_generated" / "cpe.npz")
    assert ours["parameters"].shape == (30, 7)
    for key in ("parameters", "resnorms", "spectrum", "grid_indices"):
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
    with pytest.raises(ValueError, match="alpha_a"):
        eisgrid.compute(model="rc", ranges={"alpha_a": (0.6, 1.0)}, data=tmp_path / "py")
    with pytest.raises(ValueError, match="rc, cpe, rc_electrode"):
        eisgrid.compute(model="rq", data=tmp_path / "py")


def test_compute_against_a_measured_sweep(tmp_path):
    reference = (os.path.join(NOVA, "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq"), 1)
    path = eisgrid.compute(grid=3, reference=reference, keep=10, data=tmp_path, progress=False)
    assert os.path.exists(path) and arrays(path)


def test_bad_compute_options(tmp_path):
    with pytest.raises(ValueError, match="user_generated, precomputed"):
        eisgrid.compute(into="elsewhere", data=tmp_path)
    with pytest.raises(ValueError, match="modulus, mae, rmse, relative"):
        eisgrid.compute(metric="l1", data=tmp_path)
    with pytest.raises(ValueError, match="unknown parameter 'Rq'"):
        eisgrid.compute(ref="Rq=3", data=tmp_path)
    with pytest.raises(FileNotFoundError):
        eisgrid.compute(reference=tmp_path / "missing.txt", data=tmp_path)
    assert not (tmp_path / "npz" / "user_generated").exists() or not os.listdir(tmp_path / "npz" / "user_generated")


CHILD = r"""
import sys, eisgrid
started = False
def progress(done, total):
    global started
    if not started:
        started = True
        print("running", flush=True)
try:
    eisgrid.compute(grid=40, keep=10, threads=2, data=sys.argv[1], progress=progress)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_sigint_stops_compute_and_leaves_no_file(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=os.environ)
    try:
        assert child.stdout.readline().strip() == "running"
        time.sleep(0.3)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        rest = child.stdout.read()
        child.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        child.kill()
    assert rest.strip() == "interrupted"
    assert took < 1.0, f"took {took:.2f} s to stop"
    left = [os.path.join(d, f) for d, _, files in os.walk(tmp_path / "npz") for f in files]
    assert left == []

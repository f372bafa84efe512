"""Ctrl-C on a batch of 1000 sweeps stops the library's threads within a second."""
import os
import signal
import subprocess
import sys
import time

from conftest import NOVA, measurement_files

CHILD = r"""
import sys, eisgrid
files = sys.argv[1:]
started = False
def progress(done, total):
    global started
    if not started:
        started = True
        print("running", total, flush=True)
try:
    eisgrid.fit_files(files, threads=2, progress=progress)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_sigint_stops_a_1000_sweep_batch_within_a_second():
    # The usable NOVA files (16 sweeps) named 63 times: 1008 sweeps.
    files = [p for p in measurement_files(NOVA) if "8TWclean" not in p and "disconnect" not in p] * 63
    child = subprocess.Popen([sys.executable, "-c", CHILD, *files], stdout=subprocess.PIPE, text=True, env=os.environ)
    try:
        first = child.stdout.readline().split()
        assert first[0] == "running" and int(first[1]) >= 1000
        time.sleep(0.5)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        rest = child.stdout.read()
        child.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        child.kill()
    assert rest.strip() == "interrupted"
    assert child.returncode == 0
    assert took < 1.0, f"took {took:.2f} s to stop"
    print(f"stopped {took:.3f} s after SIGINT")

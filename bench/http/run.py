#!/usr/bin/python3
"""HTTP load benchmark: eisgrid serve against a Flask equivalent of the old server.

Computes a g=10 dataset (100000 rows) with the eisgrid CLI, starts both servers
on loopback, checks that they answer the same rows, and runs wrk (64
connections) against /api/status and /api/best-results/<f>?n=1000 on each, in
one run. Prints requests/s, p99 latency, errors, and the eisgrid/Flask ratio
(the target is at least 20x).

    /usr/bin/python3 bench/http/run.py [--duration 30] [--eisgrid build/release/src/cli/eisgrid]

Needs wrk and python3-flask (benchmark only).
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATASET = "bench_grid_10.npz"
CONNECTIONS = 64
TARGET_RATIO = 20.0
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no answer from {url}")


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def parse_latency(text):
    value, unit = float(text[:-2] if text.endswith(("us", "ms")) else text[:-1]), text.lstrip("0123456789.")
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def run_wrk(url, duration, threads):
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = parse_latency(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    return {"rps": rps, "p99_ms": p99, "errors": errors}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=30, help="seconds per wrk run (default 30)")
    ap.add_argument("--eisgrid", default=None, help="the eisgrid binary (default: build/release, else build/server)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    args = ap.parse_args()
    binary = args.eisgrid
    if binary is None:
        for cand in ("build/release/src/cli/eisgrid", "build/server/src/cli/eisgrid"):
            if os.path.exists(os.path.join(ROOT, cand)):
                binary = os.path.join(ROOT, cand)
                break
    if not binary or not shutil.which("wrk"):
        raise SystemExit("needs the eisgrid binary (build it first) and wrk")

    work = tempfile.mkdtemp(prefix="eisgrid_http_bench_")
    procs = []
    try:
        data = os.path.join(work, "data")
        subprocess.run([binary, "compute", "--grid", "10", "--spectra", "1000", "--into", "precomputed", "--output", DATASET,
                        "-q", "--data", data], check=True)
        ports = {"eisgrid": free_port(), "flask": free_port()}
        log = open(os.path.join(work, "serve.log"), "w")
        procs.append(subprocess.Popen([binary, "serve", "--port", str(ports["eisgrid"]), "--data", data],
                                      stdout=log, stderr=log))
        # Debian's python3, which has python3-numpy and python3-flask.
        procs.append(subprocess.Popen([PYTHON, os.path.join(HERE, "flask_server.py"), data, str(ports["flask"])],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for name in base:
            wait_up(base[name] + "/api/status")
        # Both answer the same rows (checked once, before the clock runs).
        rows = {name: get_json(f"{base[name]}/api/best-results/{DATASET}?n=1000")["data"] for name in base}
        assert rows["eisgrid"]["n_total"] == rows["flask"]["n_total"] == 100000, rows["eisgrid"]["n_total"]
        for a, b in zip(rows["eisgrid"]["resnorms"], rows["flask"]["resnorms"]):
            assert abs(a - b) <= 1e-6 * max(1.0, abs(b)), (a, b)
        checksum = sum(rows["eisgrid"]["resnorms"])

        endpoints = {"status": "/api/status", "best-results n=1000": f"/api/best-results/{DATASET}?n=1000"}
        results = {}
        for label, path in endpoints.items():
            for name in base:
                results[(label, name)] = run_wrk(base[name] + path, args.duration, args.threads)
        print(f"wrk: {CONNECTIONS} connections, {args.threads} threads, {args.duration} s per run; "
              f"dataset g=10 ({rows['eisgrid']['n_total']} rows), checksum of the best 1000 resnorms {checksum:.6g}")
        print(f"{'endpoint':<22}{'server':<9}{'requests/s':>12}{'p99 ms':>10}{'errors':>8}")
        ok = True
        for label in endpoints:
            for name in base:
                r = results[(label, name)]
                print(f"{label:<22}{name:<9}{r['rps']:>12.0f}{r['p99_ms']:>10.2f}{r['errors']:>8}")
            ratio = results[(label, "eisgrid")]["rps"] / max(results[(label, "flask")]["rps"], 1e-9)
            ok = ok and ratio >= TARGET_RATIO
            print(f"{label:<22}{'ratio':<9}{ratio:>11.1f}x  (target >= {TARGET_RATIO:.0f}x)")
        return 0 if ok else 1
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The old Python API, reduced to what the HTTP benchmark measures.

A Flask equivalent of the old server's /api/status and /api/best-results/<f>
(numpy arrays from np.load, lists through jsonify), run on Flask's threaded
server as the old system ran it (without its debug mode). Usage:
    flask_server.py DATA_DIR PORT
"""
import glob
import os
import sys

import numpy as np
from flask import Flask, jsonify, request

data_dir = sys.argv[1]
port = int(sys.argv[2])
app = Flask(__name__)
datasets = {}


def load(filename):
    if filename not in datasets:
        for sub in ("precomputed", "user_generated"):
            path = os.path.join(data_dir, "npz", sub, filename)
            if os.path.exists(path):
                z = np.load(path)
                datasets[filename] = {name: z[name] for name in z.files}
                break
    return datasets.get(filename)


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


@app.route("/api/status")
def status():
    files = glob.glob(os.path.join(data_dir, "npz", "*", "*.npz"))
    return jsonify({
        "status": "online",
        "loaded_datasets": len(datasets),
        "available_files": len(files),
        "directories": {"precomputed": "npz/precomputed", "user_generated": "npz/user_generated"},
        "memory_usage": f"{rss_mb():.1f} MB",
    })


@app.route("/api/best-results/<filename>")
def best_results(filename):
    d = load(filename)
    if d is None:
        return jsonify({"status": "error", "message": "not found"}), 404
    n = int(request.args.get("n", 1000))
    params = d["parameters"][:n]
    rsh, ra, ca, rb, cb = (params[:, k].astype(np.float64) for k in range(5))
    ter = rsh * (ra + rb) / (rsh + ra + rb)
    tec = ca * cb / (ca + cb)
    return jsonify({"status": "success", "data": {
        "parameters": params.tolist(),
        "resnorms": d["resnorms"][:n].tolist(),
        "ter": ter.tolist(),
        "tec": tec.tolist(),
        "param_names": ["Rsh", "Ra", "Ca", "Rb", "Cb"],
        "param_units": ["ohm", "ohm", "farad", "ohm", "farad"],
        "n_total": int(len(d["resnorms"])),
        "best_resnorm": float(d["resnorms"][0]),
    }})


if __name__ == "__main__":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=port, threaded=True, debug=False)

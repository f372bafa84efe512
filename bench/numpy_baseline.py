#!/usr/bin/env python3
"""The same work as eisgrid, written the idiomatic vectorised numpy way.

This is the baseline the benchmarks compare against, in the same run:
  sweep  G F KEEP          rank a G^5 grid (F log frequencies) and keep the best KEEP
  export G F OUT.npz       rank all rows, compute every spectrum, np.savez_compressed
  load   FILE.npz          np.load and read every array
Each prints one JSON line with the wall time in seconds.
"""
import json
import sys
import time

import numpy as np

REF = (5005.0, 5005.0, 25.05e-6, 5005.0, 25.05e-6)


def axes(g):
    r = np.logspace(1, 4, g)
    c = np.logspace(np.log10(1e-7), np.log10(5e-5), g)
    return r, r, c, r, c


def membrane(r, c, w):
    # (g, g, F): shared by every grid point with the same (R, C), as eisgrid does.
    return r[:, None, None] / (1 + 1j * w[None, None, :] * r[:, None, None] * c[None, :, None])


def model_z(p, w):
    za = p[1] / (1 + 1j * w * p[1] * p[2])
    zb = p[3] / (1 + 1j * w * p[3] * p[4])
    return p[0] * (za + zb) / (p[0] + za + zb)


def resnorms_by_rsh(g, f):
    """Yields (rsh index, mae of all g^4 points with that Rsh), in grid order."""
    w = 2 * np.pi * f
    rsh, ra, ca, rb, cb = axes(g)
    zref = model_z(REF, w)
    za = membrane(ra, ca, w)
    zb = membrane(rb, cb, w)
    s = za[:, :, None, None, :] + zb[None, None, :, :, :]
    for i, r in enumerate(rsh):
        z = r * s / (r + s)
        yield i, np.abs(z - zref).mean(axis=-1).reshape(-1)


def sweep(g, n_freq, keep):
    f = np.logspace(-1, 5, n_freq)
    best_idx = np.empty(0, np.int64)
    best_res = np.empty(0)
    block = g ** 4
    for i, res in resnorms_by_rsh(g, f):
        idx = np.arange(i * block, (i + 1) * block)
        cand_res = np.concatenate([best_res, res])
        cand_idx = np.concatenate([best_idx, idx])
        k = min(keep, cand_res.size)
        part = np.argpartition(cand_res, k - 1)[:k]
        best_res, best_idx = cand_res[part], cand_idx[part]
    order = np.lexsort((best_idx, best_res))
    return best_idx[order], best_res[order]


def export(g, n_freq, out):
    f = np.logspace(-1, 5, n_freq)
    w = 2 * np.pi * f
    res = np.concatenate([r for _, r in resnorms_by_rsh(g, f)])
    order = np.argsort(res, kind="stable")
    ax = axes(g)
    sub = np.unravel_index(order, [g] * 5)
    params = np.stack([ax[k][sub[k]] for k in range(5)], axis=1)
    z = model_z(tuple(params[:, k:k + 1] for k in range(5)), w[None, :])
    spectrum = np.stack([z.real, z.imag, np.abs(z), np.degrees(np.angle(z))], axis=-1).astype(np.float32)
    meta = {"grid_size": g, "n_parameter_sets": int(res.size), "n_frequencies": n_freq}
    np.savez_compressed(out, parameters=params.astype(np.float32), resnorms=res[order].astype(np.float32),
                        spectrum=spectrum, frequencies=f.astype(np.float32), metadata=np.array(json.dumps(meta)))


def load(path):
    z = np.load(path)
    return {k: z[k] for k in z.files}


def main():
    cmd = sys.argv[1]
    t0 = time.perf_counter()
    if cmd == "sweep":
        idx, res = sweep(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        extra = {"best_index": int(idx[0]), "best_resnorm": float(res[0]), "checksum": float(res[:10].sum())}
    elif cmd == "export":
        export(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
        extra = {}
    elif cmd == "load":
        arrays = load(sys.argv[2])
        extra = {"bytes": int(sum(a.nbytes for a in arrays.values()))}
    else:
        sys.exit("unknown command " + cmd)
    print(json.dumps({"seconds": time.perf_counter() - t0, **extra}))


if __name__ == "__main__":
    main()

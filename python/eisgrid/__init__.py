"""eisgrid from Python: read impedance spectra as instruments write them and fit
equivalent-circuit models of epithelial cell layers to them (global grid, then
Levenberg-Marquardt), with the numbers of ``eisgrid fit --json``.

Units everywhere: frequencies in Hz, impedance in ohm (Z = Z' + jZ'', Z'' < 0
for a capacitive response), resistances in ohm, capacitances in farad, time
constants in seconds; per-area values in ohm.cm2 and uF/cm2.

    >>> import eisgrid
    >>> sweep = eisgrid.read("plate1_TW01_freq")[0]
    >>> r = eisgrid.fit(sweep.frequencies, sweep.z, area=1.12)
    >>> r.ter, r.stderr["ter"], r.status
"""

from __future__ import annotations

import csv
import math
import numbers
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _core
from ._core import FormatError, __version__

__all__ = [
    "FormatError",
    "Sweep",
    "FitResult",
    "Comparison",
    "FitTable",
    "KramersKronig",
    "Model",
    "read",
    "fit",
    "fit_files",
    "impedance",
    "kramers_kronig",
    "compute",
    "models",
    "METRICS",
    "MODELS",
    "__version__",
]

METRICS = ("modulus", "mae", "rmse", "relative")
"""Residual norms a fit can minimise (see the README of eisgrid)."""


@dataclass(frozen=True)
class Model:
    """A circuit model: its name, its formula, and (name, unit) of each parameter, Rs first."""

    name: str
    formula: str
    parameters: tuple


def models() -> list:
    """Every circuit model eisgrid fits, rc first."""
    return [Model(m["name"], m["formula"], tuple(m["parameters"])) for m in _core.models()]


MODELS = tuple(m.name for m in models())
"""Names of the circuit models: rc, cpe, rc_electrode."""

PathLike = Union[str, "os.PathLike[str]"]
ProgressArg = Union[bool, Callable[[int, int], Any]]


# --- input checks: every bad input is a TypeError or ValueError here, never a crash below


def _real_array(name: str, values: Any) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, not {type(values).__name__}")
    a = np.asarray(values)
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be real numbers (got an array of dtype {a.dtype})")
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array (got shape {a.shape})")
    a = np.ascontiguousarray(a, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(a))
    if bad.size:
        raise ValueError(f"{name}[{bad[0]}] is {a[bad[0]]}: every value must be finite")
    return a


def _spectrum(frequencies: Any, z: Any) -> "tuple[np.ndarray, np.ndarray]":
    f = _real_array("frequencies", frequencies)
    if isinstance(z, (str, bytes)):
        raise TypeError(f"z must be an array of complex numbers, not {type(z).__name__}")
    zz = np.asarray(z)
    if zz.dtype.kind not in "iufc":
        raise TypeError(f"z must be complex numbers (got an array of dtype {zz.dtype})")
    if zz.ndim != 1:
        raise ValueError(f"z must be a 1-D array (got shape {zz.shape})")
    if f.size != zz.size:
        raise ValueError(f"frequencies and z differ in length ({f.size} and {zz.size})")
    if f.size == 0:
        raise ValueError("the spectrum is empty")
    zz = np.ascontiguousarray(zz, dtype=np.complex128)
    bad = np.flatnonzero(~np.isfinite(zz))
    if bad.size:
        raise ValueError(f"z[{bad[0]}] is {zz[bad[0]]}: every value must be finite")
    low = np.flatnonzero(f <= 0)
    if low.size:
        raise ValueError(f"frequencies[{low[0]}] is {f[low[0]]}: frequencies must be positive (Hz)")
    return f, zz


def _choice(name: str, value: Any, valid: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"unknown {name} {value!r} (expected one of: {', '.join(valid)})")
    return value


def _model_list(model: Any, models_: Any) -> str:
    if models_ is None:
        names = [model]
    elif isinstance(models_, str):
        names = [models_] if models_ == "all" else models_.split(",")
    else:
        names = list(models_)
    for n in names:
        if n != "all":
            _choice("model", n, MODELS)
    return ",".join(names)


def _rs_text(rs: Any) -> str:
    if rs == "free":
        return rs
    if isinstance(rs, numbers.Real) and not isinstance(rs, bool) and math.isfinite(rs) and rs > 0:
        return repr(float(rs))
    raise ValueError(f"rs must be 'free' or a positive series resistance in ohm (got {rs!r})")


def _range_names(models: str) -> tuple:
    """The names a range may take: the parameters (Rs first) of the models, "rc,cpe" or "all", from the library's model list."""
    names = {m["name"]: tuple(name for name, _ in m["parameters"]) for m in _core.models()}
    listed = [n for m in models.split(",") for n in (tuple(names) if m == "all" else (_choice("model", m, tuple(names)),))]
    return tuple(dict.fromkeys(n for m in listed for n in names[m]))


def _ranges(ranges: Any, model: str = "rc") -> list:
    """{"Ca": (1e-7, 5e-5), "Rs": (5, 50, 6)} or ["Ca=1e-7:5e-5", ...] as the command line's --range items.

    model: the model swept, or the models fitted ("rc,cpe", "all"; rc's optimum starts every fit, so a fit
    names "rc," first): a range names any of their parameters."""
    if ranges is None:
        return []
    if isinstance(ranges, str):
        return [ranges]
    if isinstance(ranges, Mapping):
        items = []
        for name, bounds in ranges.items():
            _choice("range parameter", name, _range_names(model))
            b = list(bounds)
            if len(b) not in (2, 3) or not all(isinstance(v, numbers.Real) for v in b):
                raise ValueError(f"range of {name} must be (min, max) or (min, max, count), got {bounds!r}")
            text = f"{name}={float(b[0])!r}:{float(b[1])!r}"
            if len(b) == 3:
                text += f":{int(b[2])}"
            items.append(text)
        return items
    return [str(r) for r in ranges]


def _area(area: Any) -> Optional[float]:
    if area is None:
        return None
    if isinstance(area, numbers.Real) and not isinstance(area, bool) and math.isfinite(area) and area > 0:
        return float(area)
    raise ValueError(f"area must be a positive number of cm2 (got {area!r})")


def _grid(grid: Any) -> int:
    if grid is None:
        return _core.default_grid
    if isinstance(grid, numbers.Integral) and 2 <= grid <= 60:
        return int(grid)
    raise ValueError(f"grid must be a whole number from 2 to 60 (got {grid!r})")


# --- reading


@dataclass(frozen=True)
class Sweep:
    """One sweep of a measurement file, in measured order.

    frequencies: Hz; z: complex impedance in ohm; start_time: ISO 8601 text
    where the file has one; warnings: the reader's notes and the quality
    checks, as ``eisgrid spectra`` shows them.
    """

    file: str
    sweep: int
    format: str
    frequencies: np.ndarray
    z: np.ndarray
    start_time: Optional[str]
    warnings: list


def read(path: PathLike, format: Optional[str] = None) -> list:
    """Reads a measurement file (NOVA, Gamry, BioLogic, CSV, ...) into its sweeps.

    The format is detected from the content unless ``format`` names one.
    Raises FileNotFoundError for a missing file and FormatError (a ValueError
    with ``file``, ``line`` and ``cause``) for one no reader accepts.
    """
    return [Sweep(**s) for s in _core.read(os.fspath(path), format)]


# --- fitting


@dataclass
class FitResult:
    """One model's fit of one sweep, with the numbers of ``eisgrid fit --json``.

    params: the model's parameters (ohm, farad, S.s^alpha, 1); ter: the layer's
    DC resistance [ohm]; tec: its capacitance [F]; tau1, tau2: rc's time
    constants [s] (None for other models); rs: series resistance [ohm];
    stderr: standard errors of the parameters and of ter and tec;
    rsh_interval: (min, max) of Rsh that fits equally well (rc); status: ok,
    poor_fit or invalid_data, with reasons; resnorm: the residual norm of
    ``metric``; aic, bic: information criteria; per_area: TER in ohm.cm2 and
    TEC in uF/cm2 with their errors when an area was given. ``row`` is the
    command line's JSON row (without file and sweep when fit() made it).
    """

    model: str
    status: str
    reasons: list
    metric: str
    resnorm: Optional[float]
    params: dict
    ter: Optional[float]
    tec: Optional[float]
    tau1: Optional[float]
    tau2: Optional[float]
    rs: Optional[float]
    stderr: dict
    rsh_interval: Optional[tuple]
    aic: Optional[float]
    bic: Optional[float]
    best_model: Optional[bool]
    decisive_frequency: Optional[float]
    at_edge: list
    per_area: Optional[dict]
    row: dict = field(repr=False)

    @classmethod
    def from_row(cls, row: dict) -> "FitResult":
        params = row.get("params") or {}
        interval = row.get("rsh_interval")
        per_area = {k: row[k] for k in ("area_cm2", "ter_ohm_cm2", "ter_ohm_cm2_se", "tec_uF_per_cm2", "tec_uF_per_cm2_se") if k in row}
        return cls(
            model=row["model"],
            status=row["status"],
            reasons=list(row["reasons"]),
            metric=row["metric"],
            resnorm=row.get("resnorm"),
            params=dict(params),
            ter=row.get("ter"),
            tec=row.get("tec"),
            tau1=row.get("tau1"),
            tau2=row.get("tau2"),
            rs=params.get("Rs"),
            stderr=dict(row.get("stderr") or {}),
            rsh_interval=tuple(interval) if interval is not None else None,
            aic=row.get("aic"),
            bic=row.get("bic"),
            best_model=row.get("best_model"),
            decisive_frequency=row.get("decisive_frequency"),
            at_edge=list(row.get("at_edge") or []),
            per_area=per_area or None,
            row=row,
        )

    @property
    def fitted(self) -> bool:
        """Whether the model could be fitted at all (not invalid_data without parameters)."""
        return bool(self.params)

    def z_fit(self, frequencies: Any) -> np.ndarray:
        """The fitted model's impedance [ohm] at ``frequencies`` [Hz], for plotting."""
        if not self.params:
            raise ValueError(f"the sweep could not be fitted: {'; '.join(self.reasons)}")
        return impedance(self.model, self.params, frequencies)


@dataclass
class Comparison:
    """Several models fitted to one sweep and compared by AIC, as ``eisgrid fit --model a,b`` does.

    results: FitResult per model, in the order asked; best: the one the data
    prefer (lowest AIC); decisive_frequency: where a measurement would decide
    between them [Hz], if anywhere.
    """

    results: dict
    best: Optional[FitResult]
    decisive_frequency: Optional[float]

    def __getitem__(self, model: str) -> FitResult:
        return self.results[model]


def fit(
    frequencies: Any,
    z: Any,
    model: str = "rc",
    metric: str = "modulus",
    rs: Union[str, float] = "free",
    area: Optional[float] = None,
    ranges: Any = None,
    models: Optional[Iterable[str]] = None,
    grid: Optional[int] = None,
) -> Union[FitResult, Comparison]:
    """Fits a circuit model to one spectrum, exactly as ``eisgrid fit`` fits a sweep.

    frequencies: Hz, 1-D, positive; z: complex impedance in ohm, same length.
    model: rc, cpe or rc_electrode (rc is fitted first in any case: the
    others start from its optimum). models: several (or "all") to compare;
    then a Comparison is returned. metric: modulus, mae, rmse or relative.
    rs: "free" or the series resistance in ohm. area: insert area in cm2
    (adds per-area values). ranges: {"Ca": (min, max[, count]), ...} or the
    command line's "NAME=MIN:MAX[:COUNT]" items. grid: points per axis of
    the global grid (default 12). Releases the GIL while it fits.
    """
    f, zz = _spectrum(frequencies, z)
    _choice("model", model, MODELS)
    rows = _core.fit(f, zz, _model_list(model, models), _choice("metric", metric, METRICS), _rs_text(rs), _ranges(ranges, "rc," + _model_list(model, models)), _area(area), _grid(grid))
    for r in rows:
        # Rows of one spectrum given as arrays: no file and sweep to name.
        del r["file"], r["sweep"]
    results = [FitResult.from_row(r) for r in rows]
    if models is None:
        return results[0]
    best = next((r for r in results if r.best_model), None)
    return Comparison({r.model: r for r in results}, best, rows[0].get("decisive_frequency"))


class _Progress:
    """tqdm when it is installed, else one line on stderr redrawn at most every 0.2 s."""

    def __init__(self, total_label: str):
        self.label = total_label
        self.bar = None
        self.last = 0.0
        self.finished = False
        try:
            from tqdm.auto import tqdm

            self.tqdm = tqdm
        except ImportError:
            self.tqdm = None

    def __call__(self, done: int, total: int) -> None:
        if self.tqdm is not None:
            if self.bar is None:
                self.bar = self.tqdm(total=total, unit=self.label)
            self.bar.update(done - self.bar.n)
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        percent = 100 * done // total if total else 100
        sys.stderr.write(f"\r{done}/{total} {self.label} ({percent}%)")
        if done >= total:
            self.finished = True
            sys.stderr.write("\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.last and not self.finished:
            sys.stderr.write("\n")


def _flat(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for k, v in value.items():
                out[f"{key}.{k}"] = v
        elif key == "rsh_interval" and isinstance(value, list):
            out["rsh_interval.min"], out["rsh_interval.max"] = value
        elif isinstance(value, list):
            out[key] = "; ".join(map(str, value))
        else:
            out[key] = value
    return out


class FitTable(list):
    """The rows of a batch fit, one dict per sweep and model, as ``eisgrid fit --json`` prints them."""

    def results(self) -> list:
        """The rows as FitResult objects."""
        return [FitResult.from_row(r) for r in self]

    def flat(self) -> list:
        """Rows with nested values as columns: params.Rs, stderr.ter, rsh_interval.min, ..."""
        return [_flat(r) for r in self]

    def to_pandas(self):
        """A pandas DataFrame of flat(); needs pandas (not a dependency of eisgrid)."""
        try:
            import pandas
        except ImportError as e:
            raise ImportError("to_pandas() needs pandas (Debian: apt install python3-pandas)") from e
        return pandas.DataFrame(self.flat())

    def to_csv(self, path: PathLike) -> None:
        """Writes flat() as CSV, one row per sweep and model (the csv module; pandas is not needed)."""
        rows = self.flat()
        columns: list = []
        for r in rows:
            columns += [k for k in r if k not in columns]
        with open(path, "w", newline="") as out:
            w = csv.DictWriter(out, fieldnames=columns)
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if v is None else v) for k, v in r.items()})


def fit_files(
    paths: Union[PathLike, Iterable[PathLike]],
    format: Optional[str] = None,
    model: str = "rc",
    models: Optional[Iterable[str]] = None,
    metric: str = "modulus",
    rs: Union[str, float] = "free",
    area: Optional[float] = None,
    ranges: Any = None,
    grid: Optional[int] = None,
    threads: Optional[int] = None,
    progress: ProgressArg = True,
) -> FitTable:
    """Fits every sweep of every file, as ``eisgrid fit --json FILE...`` does.

    Returns a FitTable: one row per sweep and model, with the command line's
    keys and numbers; a file no reader accepts is one invalid_data row that
    says why. threads: sweeps fitted at once (default: every core).
    progress: a bar (tqdm when installed, else a line on stderr), False for
    none, or a callable(done, total). The fits run on the library's threads
    without the GIL; Ctrl-C stops them within a fraction of a second
    (KeyboardInterrupt) and nothing is returned.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    files = [os.fspath(p) for p in paths]
    if threads is not None and not (isinstance(threads, numbers.Integral) and threads > 0):
        raise ValueError(f"threads must be a positive whole number (got {threads!r})")
    _choice("model", model, MODELS)
    bar = None
    if callable(progress):
        callback = progress
    elif progress:
        bar = _Progress("sweeps")
        callback = bar
    else:
        callback = None
    try:
        rows = _core.fit_files(
            files,
            format,
            _model_list(model, models),
            _choice("metric", metric, METRICS),
            _rs_text(rs),
            _ranges(ranges, "rc," + _model_list(model, models)),
            _area(area),
            _grid(grid),
            None if threads is None else int(threads),
            callback,
        )
    finally:
        if bar is not None:
            bar.close()
    return FitTable(rows)


# --- models and checks


def impedance(model: str, params: Union[Mapping[str, float], Sequence[float]], frequencies: Any) -> np.ndarray:
    """The impedance [ohm] of a circuit model at ``frequencies`` [Hz].

    params: {name: value} with every parameter of the model (see models()),
    or the values in the model's order.
    """
    _choice("model", model, MODELS)
    names = [p[0] for p in next(m for m in models() if m.name == model).parameters]
    if isinstance(params, Mapping):
        unknown = [k for k in params if k not in names]
        missing = [n for n in names if n not in params]
        if unknown or missing:
            raise ValueError(f"model {model} takes the parameters {', '.join(names)}" + (f"; unknown: {', '.join(unknown)}" if unknown else "") + (f"; missing: {', '.join(missing)}" if missing else ""))
        values = [params[n] for n in names]
    else:
        values = list(params)
        if len(values) != len(names):
            raise ValueError(f"model {model} takes {len(names)} parameters ({', '.join(names)}), got {len(values)}")
    v = _real_array("params", values)
    return _core.impedance(model, v.tolist(), _real_array("frequencies", frequencies))


@dataclass(frozen=True)
class KramersKronig:
    """The linear Kramers-Kronig test of Schoenleber et al. (2014), as eisgrid's quality check runs it.

    passed: every residual within 5 % of |Z|; residual_real, residual_imag:
    relative residuals per point; fitted: the Voigt series' impedance [ohm];
    voigt_elements: M, chosen by the mu criterion; time_constants [s] and
    resistances [ohm] of the series; ohmic_resistance [ohm]; inductance [H].
    """

    tested: bool
    not_tested: str
    passed: bool
    voigt_elements: int
    mu: float
    mu_reached: bool
    ohmic_resistance: float
    inductance: float
    time_constants: np.ndarray
    resistances: np.ndarray
    fitted: np.ndarray
    residual_real: np.ndarray
    residual_imag: np.ndarray
    max_residual: float
    max_residual_frequency: float
    rms_residual: float


def kramers_kronig(frequencies: Any, z: Any) -> KramersKronig:
    """Tests whether a spectrum is consistent with a linear, causal, stable system."""
    f, zz = _spectrum(frequencies, z)
    return KramersKronig(**_core.kramers_kronig(f, zz))


# --- datasets


def _count(name: str, value: Any) -> str:
    if value is None:
        return ""
    if value == "all" or (isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0):
        return str(value)
    raise ValueError(f"{name} must be a whole number or 'all' (got {value!r})")


def _optional_number(name: str, value: Any, kind: type) -> Any:
    if value is None:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return kind(value)
    raise ValueError(f"{name} must be a positive number (got {value!r})")


def compute(
    grid: int = 5,
    model: str = "rc",
    ranges: Any = None,
    rs: Union[None, str, float] = None,
    fmin: Optional[float] = None,
    fmax: Optional[float] = None,
    points: Optional[int] = None,
    spacing: Optional[str] = None,
    preset: Optional[str] = None,
    ref: Union[None, str, Mapping[str, float]] = None,
    reference: Union[None, PathLike, "tuple[PathLike, int]"] = None,
    format: Optional[str] = None,
    metric: Optional[str] = None,
    keep: Union[int, str] = "all",
    spectra: Union[None, int, str] = None,
    store: bool = False,
    data: Optional[PathLike] = None,
    output: Optional[str] = None,
    into: str = "user_generated",
    description: str = "",
    overwrite: bool = False,
    threads: Optional[int] = None,
    user: str = "local",
    db: Optional[str] = None,
    progress: ProgressArg = True,
) -> str:
    """Sweeps a parameter grid against a reference and writes a ranked dataset, as ``eisgrid compute`` does.

    The options are the command line's: grid (points per axis; g^5 grid
    points for rc, g^7 for cpe), model ("rc" or "cpe": the circuit swept),
    ranges ({"Ca": (min, max[, count])}, {"alpha_a": (0.6, 1, 5)} for cpe,
    or "NAME=MIN:MAX[:COUNT]" items), rs ("free" or ohm), fmin, fmax [Hz], points, spacing (log,
    linear), preset, ref ({"Rsh": 5005, ...} in ohm and farad), reference (a
    measurement file, or (file, sweep)) with its format, metric, keep (best K
    rows or "all"), spectra (rows with a stored spectrum, 0, or "all"),
    store (uncompressed), output (file name), into (user_generated or
    precomputed), description, overwrite, threads, user (owner in the
    catalog) and db (catalog URL or SQLite file). data: the data root
    (default: EISGRID_DATA, else ./data). Returns the dataset's path, which
    numpy.load reads. Ctrl-C stops the sweep (KeyboardInterrupt) and leaves
    no file behind.
    """
    if not (isinstance(grid, numbers.Integral) and grid >= 2):
        raise ValueError(f"grid must be a whole number of at least 2 (got {grid!r})")
    if isinstance(ref, Mapping):
        ref = ",".join(f"{k}={float(v)!r}" for k, v in ref.items())
    if isinstance(reference, tuple):
        reference = f"{os.fspath(reference[0])}:{int(reference[1])}"
    if metric is not None:
        _choice("metric", metric, METRICS)
    if spacing is not None:
        _choice("spacing", spacing, ("log", "linear"))
    _choice("into", into, ("user_generated", "precomputed"))
    if threads is not None and not (isinstance(threads, numbers.Integral) and threads > 0):
        raise ValueError(f"threads must be a positive whole number (got {threads!r})")
    _choice("model", model, tuple(m["name"] for m in _core.models()))
    options = {
        "grid": int(grid),
        "model": model,
        "ranges": _ranges(ranges, model),
        "fmin": _optional_number("fmin", fmin, float),
        "fmax": _optional_number("fmax", fmax, float),
        "points": _optional_number("points", points, int),
        "spacing": spacing or "",
        "preset": preset or "",
        "ref": ref or "",
        "reference": os.fspath(reference) if reference is not None else "",
        "format": format or "",
        "metric": metric or "",
        "rs": "" if rs is None else _rs_text(rs),
        "keep": _count("keep", keep),
        "spectra": _count("spectra", spectra),
        "store": bool(store),
        "output": output or "",
        "into": into,
        "description": description,
        "overwrite": bool(overwrite),
        "threads": int(threads or 0),
        "user": user,
    }
    bar = _Progress("points") if progress is True else None
    callback = progress if callable(progress) else bar
    try:
        return _core.compute(options, os.fspath(data) if data is not None else "", db or "", callback)
    finally:
        if bar is not None:
            bar.close()

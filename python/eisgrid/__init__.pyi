# Type stubs of the eisgrid package (python/eisgrid/__init__.py has the docstrings).
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

from ._core import FormatError as FormatError

__version__: str
METRICS: tuple[str, ...]
MODELS: tuple[str, ...]

PathLike = Union[str, os.PathLike[str]]
ArrayLike = npt.ArrayLike
Ranges = Union[None, str, Mapping[str, Sequence[float]], Iterable[str]]

@dataclass(frozen=True)
class Model:
    name: str
    formula: str
    parameters: tuple[tuple[str, str], ...]

def models() -> list[Model]: ...
@dataclass(frozen=True)
class Sweep:
    file: str
    sweep: int
    format: str
    frequencies: npt.NDArray[np.float64]
    z: npt.NDArray[np.complex128]
    start_time: Optional[str]
    warnings: list[str]

def read(path: PathLike, format: Optional[str] = ...) -> list[Sweep]: ...
@dataclass
class FitResult:
    model: str
    status: str
    reasons: list[str]
    metric: str
    resnorm: Optional[float]
    params: dict[str, float]
    ter: Optional[float]
    tec: Optional[float]
    tau1: Optional[float]
    tau2: Optional[float]
    rs: Optional[float]
    stderr: dict[str, Optional[float]]
    rsh_interval: Optional[tuple[Optional[float], Optional[float]]]
    aic: Optional[float]
    bic: Optional[float]
    best_model: Optional[bool]
    decisive_frequency: Optional[float]
    at_edge: list[str]
    per_area: Optional[dict[str, Optional[float]]]
    row: dict[str, Any]
    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FitResult: ...
    @property
    def fitted(self) -> bool: ...
    def z_fit(self, frequencies: ArrayLike) -> npt.NDArray[np.complex128]: ...

@dataclass
class Comparison:
    results: dict[str, FitResult]
    best: Optional[FitResult]
    decisive_frequency: Optional[float]
    def __getitem__(self, model: str) -> FitResult: ...

def fit(
    frequencies: ArrayLike,
    z: ArrayLike,
    model: str = ...,
    metric: str = ...,
    rs: Union[str, float] = ...,
    area: Optional[float] = ...,
    ranges: Ranges = ...,
    models: Optional[Union[str, Iterable[str]]] = ...,
    grid: Optional[int] = ...,
) -> Union[FitResult, Comparison]: ...

class FitTable(list[dict[str, Any]]):
    def results(self) -> list[FitResult]: ...
    def flat(self) -> list[dict[str, Any]]: ...
    def to_pandas(self) -> Any: ...
    def to_csv(self, path: PathLike) -> None: ...

def fit_files(
    paths: Union[PathLike, Iterable[PathLike]],
    format: Optional[str] = ...,
    model: str = ...,
    models: Optional[Union[str, Iterable[str]]] = ...,
    metric: str = ...,
    rs: Union[str, float] = ...,
    area: Optional[float] = ...,
    ranges: Ranges = ...,
    grid: Optional[int] = ...,
    threads: Optional[int] = ...,
    progress: Union[bool, Callable[[int, int], Any]] = ...,
) -> FitTable: ...
def impedance(model: str, params: Union[Mapping[str, float], Sequence[float]], frequencies: ArrayLike) -> npt.NDArray[np.complex128]: ...
@dataclass(frozen=True)
class KramersKronig:
    tested: bool
    not_tested: str
    passed: bool
    voigt_elements: int
    mu: float
    mu_reached: bool
    ohmic_resistance: float
    inductance: float
    time_constants: npt.NDArray[np.float64]
    resistances: npt.NDArray[np.float64]
    fitted: npt.NDArray[np.complex128]
    residual_real: npt.NDArray[np.float64]
    residual_imag: npt.NDArray[np.float64]
    max_residual: float
    max_residual_frequency: float
    rms_residual: float

def kramers_kronig(frequencies: ArrayLike, z: ArrayLike) -> KramersKronig: ...
def compute(
    grid: int = ...,
    model: str = ...,
    ranges: Ranges = ...,
    rs: Union[None, str, float] = ...,
    fmin: Optional[float] = ...,
    fmax: Optional[float] = ...,
    points: Optional[int] = ...,
    spacing: Optional[str] = ...,
    preset: Optional[str] = ...,
    ref: Union[None, str, Mapping[str, float]] = ...,
    reference: Union[None, PathLike, tuple[PathLike, int]] = ...,
    format: Optional[str] = ...,
    metric: Optional[str] = ...,
    keep: Union[int, str] = ...,
    spectra: Union[None, int, str] = ...,
    store: bool = ...,
    data: Optional[PathLike] = ...,
    output: Optional[str] = ...,
    into: str = ...,
    description: str = ...,
    overwrite: bool = ...,
    threads: Optional[int] = ...,
    user: str = ...,
    db: Optional[str] = ...,
    progress: Union[bool, Callable[[int, int], Any]] = ...,
) -> str: ...

# Type stubs of the extension eisgrid._core (src/python/module.cpp). Call the
# eisgrid package instead: it checks arguments and wraps these results.
from typing import Any, Callable, Optional

import numpy as np
import numpy.typing as npt

__version__: str
default_grid: int

class FormatError(ValueError):
    file: Optional[str]
    line: Optional[int]
    cause: str

def read(path: str, format: Optional[str]) -> list[dict[str, Any]]: ...
def fit(
    frequencies: npt.NDArray[np.float64],
    z: npt.NDArray[np.complex128],
    models: str,
    metric: str,
    rs: str,
    ranges: list[str],
    area: Optional[float],
    grid: int,
) -> list[dict[str, Any]]: ...
def fit_files(
    paths: list[str],
    format: Optional[str],
    models: str,
    metric: str,
    rs: str,
    ranges: list[str],
    area: Optional[float],
    grid: int,
    threads: Optional[int],
    progress: Optional[Callable[[int, int], Any]],
) -> list[dict[str, Any]]: ...
def impedance(model: str, values: list[float], frequencies: npt.NDArray[np.float64]) -> npt.NDArray[np.complex128]: ...
def kramers_kronig(frequencies: npt.NDArray[np.float64], z: npt.NDArray[np.complex128]) -> dict[str, Any]: ...
def models() -> list[dict[str, Any]]: ...
def compute(options: dict[str, Any], data: str, db: str, progress: Optional[Callable[[int, int], Any]]) -> str: ...

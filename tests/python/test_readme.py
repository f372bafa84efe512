"""The README's notebook example runs as written (figures drawn off screen), and the progress bar shows."""
import os
import re
import subprocess
import sys

import pytest

import eisgrid
from conftest import NOVA, measurement_files

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def test_readme_notebook_example_runs():
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib (Debian: python3-matplotlib), not installed here")
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    (example,) = re.findall(r"\*\*In a notebook:\*\*\n\n```python\n(.*?)```", readme, re.S)
    out = subprocess.run([sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"ok: TER = \d+\.\d ± \d+\.\d ohm\.cm2, TEC = \d+\.\d{3} ± \d+\.\d{3} uF/cm2\n", out.stdout), out.stdout


@pytest.mark.parametrize("with_tqdm", [True, False], ids=["tqdm", "plain"])
def test_progress_bar_on_stderr(capsys, monkeypatch, with_tqdm):
    if with_tqdm:
        pytest.importorskip("tqdm", reason="tqdm is optional (Debian: python3-tqdm) and not installed here")
    else:
        # As on a machine without tqdm: its import fails.
        monkeypatch.setitem(sys.modules, "tqdm", None)
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    files = measurement_files(NOVA)[:4]
    rows = eisgrid.fit_files(files, progress=True)
    err = capsys.readouterr().err
    assert f"{len(rows)}/{len(rows)}" in err
    if not with_tqdm:
        assert err.endswith(f"{len(rows)}/{len(rows)} sweeps (100%)\n")
    eisgrid.fit_files(files, progress=False)
    assert capsys.readouterr().err == ""

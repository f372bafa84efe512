"""eisgrid.fit and eisgrid.fit_files against `eisgrid fit --json` on the shared NOVA sweeps:
the same numbers exactly, not approximately (one implementation, compute::fit_sweep)."""
import math
import os

import numpy as np
import pytest

import eisgrid
from conftest import NOVA, measurement_files

FILES = measurement_files(NOVA)
AREA = 1.12  # cm2, the Corning 3460 inserts of the NOVA files (tests/data/measured/nova/README.md)


def key(row):
    return (row["file"], row["sweep"], row["model"])


@pytest.fixture(scope="module")
def cli_rows(cli):
    rows = cli.json("fit", "--json", "--model", "all", "--area", str(AREA), *FILES)["results"]
    return {key(r): r for r in rows}


def test_fit_files_rows_are_the_command_lines(cli_rows):
    rows = eisgrid.fit_files(FILES, models="all", area=AREA, progress=False)
    assert len(rows) == len(cli_rows) == 3 * 20  # 20 sweeps in 17 files
    for row in rows:
        assert row == cli_rows[key(row)]


def test_default_rc_fit_of_every_sweep_is_the_command_lines(cli):
    expected = {key(r): r for r in cli.json("fit", "--json", *FILES)["results"]}
    rows = eisgrid.fit_files(FILES, progress=False)
    assert {key(r) for r in rows} == set(expected)
    for row in rows:
        assert row == expected[key(row)]
    assert sum(r["status"] == "ok" for r in rows) >= 14  # of the 16 usable sweeps


def test_fit_of_each_read_sweep_is_the_command_lines(cli_rows):
    compared = 0
    for path in FILES:
        for s in eisgrid.read(path):
            c = eisgrid.fit(s.frequencies, s.z, models="all", area=AREA)
            assert list(c.results) == list(eisgrid.MODELS)
            for name, r in c.results.items():
                expected = dict(cli_rows[(s.file, s.sweep, name)])
                del expected["file"], expected["sweep"]
                assert r.row == expected
                compared += 1
    assert compared == len(cli_rows)


def test_result_object_of_an_rc_fit(cli):
    path = os.path.join(NOVA, "16HBE_TW01_d3_endohm1_freq")
    (s,) = eisgrid.read(path)
    r = eisgrid.fit(s.frequencies, s.z, area=AREA)
    (row,) = cli.json("fit", "--json", "--area", str(AREA), path)["results"]
    assert r.row == {k: v for k, v in row.items() if k not in ("file", "sweep")}
    assert r.model == "rc" and r.status == row["status"] and r.reasons == row["reasons"]
    assert r.ter == row["ter"] and r.tec == row["tec"] and r.tau1 == row["tau1"] and r.tau2 == row["tau2"]
    assert r.rs == row["params"]["Rs"] and r.params == row["params"] and r.stderr == row["stderr"]
    assert r.rsh_interval == tuple(row["rsh_interval"])
    assert r.per_area["ter_ohm_cm2"] == pytest.approx(r.ter * AREA, rel=1e-15)
    # The fitted curve is the model at the fitted parameters: its modulus
    # residual is the fit's resnorm.
    zf = r.z_fit(s.frequencies)
    assert zf.shape == s.z.shape and zf.dtype == np.complex128
    resnorm = math.sqrt(np.mean(np.abs(zf - s.z) ** 2 / np.abs(s.z) ** 2))
    assert resnorm == pytest.approx(r.resnorm, rel=1e-9)


def test_lists_and_integers_are_accepted_as_arrays():
    (s,) = eisgrid.read(os.path.join(NOVA, "16HBE_TW02_d3_endohm1_freq"))
    a = eisgrid.fit(s.frequencies, s.z)
    b = eisgrid.fit(s.frequencies.tolist(), s.z.tolist())
    assert a.row == b.row


def test_comparison_names_the_preferred_model():
    (s,) = eisgrid.read(os.path.join(NOVA, "RPMI_TW01_d4_endohm1_freq"))
    c = eisgrid.fit(s.frequencies, s.z, models=["rc", "cpe"])
    assert list(c.results) == ["rc", "cpe"]
    assert c.best is not None and c.best.best_model
    assert c.best.aic == min(r.aic for r in c.results.values())
    assert c["cpe"].model == "cpe" and "alpha_a" in c["cpe"].params


def test_threads_give_the_same_rows_as_one():
    one = eisgrid.fit_files(FILES, models="all", threads=1, progress=False)
    many = eisgrid.fit_files(FILES, models="all", threads=4, progress=False)
    assert one == many


def test_unreadable_file_is_an_invalid_data_row(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02 not a measurement")
    rows = eisgrid.fit_files([os.path.join(NOVA, "16HBE_TW03_d3_endohm1_freq"), bad], progress=False)
    assert [r["status"] for r in rows] == ["ok", "invalid_data"]
    assert rows[1]["file"] == "broken.txt" and rows[1]["reasons"][0].startswith("cannot read: ")
    assert rows[1]["ter"] is None


def test_progress_callback_and_csv(tmp_path):
    calls = []
    rows = eisgrid.fit_files(FILES[:3], progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (len(rows), len(rows))
    path = tmp_path / "fits.csv"
    rows.to_csv(path)
    import csv

    with open(path) as f:
        read_back = list(csv.DictReader(f))
    assert len(read_back) == len(rows)
    assert float(read_back[0]["ter"]) == rows[0]["ter"]
    assert float(read_back[0]["params.Rs"]) == rows[0]["params"]["Rs"]
    assert float(read_back[0]["rsh_interval.max"]) == rows[0]["rsh_interval"][1]


def test_to_pandas(tmp_path):
    pandas = pytest.importorskip("pandas", reason="pandas is optional (Debian: python3-pandas) and not installed here")
    rows = eisgrid.fit_files(FILES[:2], progress=False)
    frame = rows.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == len(rows)
    assert frame["ter"].tolist() == [r["ter"] for r in rows]

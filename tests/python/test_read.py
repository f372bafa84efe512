"""eisgrid.read against `eisgrid spectra --json` on every instrument file of tests/data/measured."""
import os

import numpy as np
import pytest

import eisgrid
from conftest import FIXTURES, measurement_files

MEASURED = os.path.join(FIXTURES, "measured")
FILES = [p for folder in sorted(os.listdir(MEASURED)) for p in measurement_files(os.path.join(MEASURED, folder))]


def test_there_are_files_of_every_folder():
    assert len(FILES) >= 25
    assert {os.path.basename(os.path.dirname(p)) for p in FILES} == {"formats", "made", "nova"}


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, MEASURED) for p in FILES])
def test_read_matches_spectra_json(cli, path):
    out = cli("spectra", "--json", path, check=False)
    if out.returncode != 0:
        # The command line refuses the file: Python must too, with the same reason.
        with pytest.raises((eisgrid.FormatError, FileNotFoundError)) as e:
            eisgrid.read(path)
        assert str(e.value) in out.stderr
        return
    import json

    (expected,) = json.loads(out.stdout)["files"]
    sweeps = eisgrid.read(path)
    assert len(sweeps) == len(expected["spectra"]) > 0
    for s, e in zip(sweeps, expected["spectra"]):
        assert s.file == expected["file"]
        assert s.format == expected["format"]
        assert s.sweep == e["sweep"]
        assert s.frequencies.dtype == np.float64 and s.z.dtype == np.complex128
        assert s.frequencies.tolist() == e["frequencies"]
        assert s.z.real.tolist() == e["real"]
        assert s.z.imag.tolist() == e["imag"]
        assert s.warnings == e["warnings"]


def test_forced_format_and_start_time():
    path = os.path.join(MEASURED, "nova", "RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq")
    sweeps = eisgrid.read(path, format="nova")
    assert [s.sweep for s in sweeps] == [0, 1, 2]
    assert all(s.start_time for s in sweeps)


def test_a_file_no_reader_accepts_is_a_format_error_with_file_line_and_cause(tmp_path):
    bad = tmp_path / "plate.csv"
    bad.write_text("frequency,real,imag\n1000,10,-5\n100,abc,-7\n")
    with pytest.raises(eisgrid.FormatError) as e:
        eisgrid.read(bad)
    assert isinstance(e.value, ValueError)
    assert e.value.file == "plate.csv"
    assert e.value.line == 3
    assert e.value.cause and e.value.cause in str(e.value)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(FileNotFoundError):
        eisgrid.read(tmp_path / "nothing.txt")
    with pytest.raises(ValueError, match="expected csv, nova, gamry"):
        eisgrid.read(os.path.join(MEASURED, "nova", "16HBE_TW01_d3_endohm1_freq"), format="excel")

"""Where the tests find the command line and the instrument files: ctest sets
EISGRID_CLI and EISGRID_FIXTURES_DIR (tests/CMakeLists.txt), and PYTHONPATH to
the build's package, so the module under test is the one just built."""
import os
import subprocess
import json

import pytest

FIXTURES = os.environ.get("EISGRID_FIXTURES_DIR", os.path.join(os.path.dirname(__file__), "..", "data"))
NOVA = os.path.join(FIXTURES, "measured", "nova")


def measurement_files(folder):
    """The instrument files of a fixture folder, without its README and expected values."""
    names = sorted(n for n in os.listdir(folder) if not n.endswith((".md", ".json")))
    return [os.path.join(folder, n) for n in names]


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("EISGRID_CLI")
    if not path:
        pytest.skip("EISGRID_CLI is not set: run these tests through ctest, which builds the command line first")

    def run(*args, check=True):
        out = subprocess.run([path, *args], capture_output=True, text=True)
        if check and out.returncode != 0:
            raise AssertionError(f"eisgrid {' '.join(args)} exited {out.returncode}: {out.stderr}")
        return out

    run.json = lambda *args, check=True: json.loads(run(*args, check=check).stdout)
    return run

"""Builds the eisgrid package: the pure-Python files of eisgrid/ and the
extension eisgrid._core, which the repository's CMake project builds (target
eisgrid_python) so that there is one build of the C++ code, with its options
and its compiler cache. EISGRID_BUILD_DIR names a configured build directory
(default: build/release of the checkout, configured here when it is not)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

here = Path(__file__).resolve().parent
root = here.parent
version = re.search(r"project\(eisgrid VERSION ([0-9.]+)", (root / "CMakeLists.txt").read_text()).group(1)


class cmake_build_ext(build_ext):
    def build_extension(self, ext):
        build = Path(os.environ.get("EISGRID_BUILD_DIR", root / "build" / "release"))
        if not (build / "CMakeCache.txt").exists():
            subprocess.check_call(
                ["cmake", "-S", str(root), "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DEISGRID_PYTHON=ON",
                 f"-DPython_EXECUTABLE={sys.executable}"])
        subprocess.check_call(["cmake", "--build", str(build), "--target", "eisgrid_python", "-j", os.environ.get("EISGRID_JOBS", "2")])
        built = sorted((build / "python" / "eisgrid").glob("_core.*.so"), key=lambda p: p.stat().st_mtime)
        if not built:
            sys.exit(f"setup.py: the build in {build} made no eisgrid/_core.*.so (is EISGRID_PYTHON on?)")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[-1], target)


setup(
    name="eisgrid",
    version=version,
    description="Equivalent-circuit fits of impedance spectra of epithelial cell layers (TER, TEC) from Python",
    packages=["eisgrid"],
    package_data={"eisgrid": ["py.typed", "*.pyi"]},
    ext_modules=[Extension("eisgrid._core", sources=[])],
    cmdclass={"build_ext": cmake_build_ext},
    python_requires=">=3.9",
    install_requires=["numpy"],
    extras_require={"pandas": ["pandas"], "progress": ["tqdm"], "plot": ["matplotlib"]},
    zip_safe=False,
)

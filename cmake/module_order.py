#!/usr/bin/env python3
"""Fails when a module of src/ links or includes a module above it.

The order is the one src/README.md gives: its paragraphs that open with a
bold module name (**base**, **cluster**, ...), first to last, each module
using only the ones before it. A module is a folder of src/; its libraries are
the eisgrid_module() calls in its CMakeLists.txt (src/cli defines `options`
too). Checked: every eisgrid::<target> in a module's CMakeLists.txt and every
#include "<module>/..." in its sources. A folder of src/ the README does not
place fails too, so a new module must say where it stands.

Usage: module_order.py SOURCE_DIR
"""

import pathlib
import re
import sys


def module_order(readme: pathlib.Path, folders: set[str]) -> list[str]:
    names = re.findall(r"^\*\*([a-z_]+)\*\*", readme.read_text(encoding="utf-8"), re.MULTILINE)
    order: list[str] = []
    for name in names:
        if name in folders and name not in order:
            order.append(name)
    return order


def main() -> int:
    src = pathlib.Path(sys.argv[1]) / "src"
    folders = {p.name for p in src.iterdir() if p.is_dir()}
    order = module_order(src / "README.md", folders)
    rank = {name: i for i, name in enumerate(order)}
    problems = [f"src/{name}/ is not placed in src/README.md's order" for name in sorted(folders - set(order))]

    # The folder of every library target: eisgrid::options lives in src/cli.
    folder_of = {name: name for name in folders}
    for name in folders:
        cmake = src / name / "CMakeLists.txt"
        if cmake.exists():
            for target in re.findall(r"eisgrid_module\(\s*([a-z_]+)", cmake.read_text(encoding="utf-8")):
                folder_of[target] = name

    for name in order:
        cmake = src / name / "CMakeLists.txt"
        if cmake.exists():
            for number, line in enumerate(cmake.read_text(encoding="utf-8").splitlines(), 1):
                for target in re.findall(r"eisgrid::([a-z_]+)", line):
                    used = folder_of.get(target)
                    if used is None:
                        problems.append(f"src/{name}/CMakeLists.txt:{number}: eisgrid::{target} is no module's library")
                    elif rank[used] > rank[name]:
                        problems.append(f"src/{name}/CMakeLists.txt:{number}: links eisgrid::{target} ({used}), a module below {name}")
        for source in sorted((src / name).rglob("*")):
            if source.suffix not in (".hpp", ".cpp", ".h", ".cc"):
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                match = re.match(r'\s*#\s*include\s+"([a-z_]+)/', line)
                if match and match.group(1) in rank and rank[match.group(1)] > rank[name]:
                    problems.append(f"{source.relative_to(src.parent)}:{number}: includes {match.group(1)}/, a module below {name}")

    print("module order: " + " -> ".join(order))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

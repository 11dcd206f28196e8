"""The wheels' requirements walked with the site's markers: what pip, run by another Python, misses."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ops.wheels import TargetPython, missing_requirements


def wheel(folder: Path, name: str, version: str, requires: list[str]) -> None:
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {line}\n" for line in requires)
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", metadata)


def test_a_requirement_only_the_sites_python_needs_is_found_missing(tmp_path: Path) -> None:
    wheel(tmp_path, "grader", "1.0", ["redis>=5", "psycopg[binary]>=3.1", "pytest; extra == 'dev'"])
    wheel(tmp_path, "redis", "8.1.0", ['async-timeout>=4.0.3; python_full_version < "3.11.3"'])
    wheel(tmp_path, "psycopg", "3.3.9", ['psycopg-binary==3.3.9; extra == "binary"'])
    wheel(tmp_path, "psycopg_binary", "3.3.9", [])
    missing = missing_requirements(tmp_path, ["grader"], TargetPython("3.11.2"))
    assert [str(requirement.name) for requirement in missing] == ["async-timeout"]
    assert missing_requirements(tmp_path, ["grader"], TargetPython("3.11.7")) == []


def test_a_wheel_of_a_version_outside_the_specifier_counts_as_missing(tmp_path: Path) -> None:
    wheel(tmp_path, "grader", "1.0", ["click>=8.1"])
    wheel(tmp_path, "click", "7.0", [])
    assert [str(r) for r in missing_requirements(tmp_path, ["grader"], TargetPython())] == ["click>=8.1"]


def test_the_pip_options_name_the_sites_interpreter_and_platforms() -> None:
    options = TargetPython("3.11.2").pip_options()
    assert options[:3] == ["--only-binary=:all:", "--python-version", "3.11.2"]
    assert "cp311" in options and "manylinux_2_36_x86_64" in options
    assert "manylinux_2_37_x86_64" not in options  # Debian 12's glibc is 2.36

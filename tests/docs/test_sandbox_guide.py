"""docs/sandbox.md names every setting sandbox/hardening.py gives a container and every row `grader
doctor` prints, and keeps a place for the grading boundary."""

from __future__ import annotations

import ast
import re

from tests.helpers.docs import DOCS, ROOT, heading_anchors

GUIDE = DOCS / "sandbox.md"
HARDENING = ROOT / "sandbox" / "hardening.py"
DOCTORS = (ROOT / "sandbox" / "doctor.py", ROOT / "grader" / "doctor.py")


def container_settings(source: str) -> list[str]:
    """The keyword arguments of `HostConfig(...)` and the keys of the dict `container_config` returns."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "HostConfig":
            names += [keyword.arg for keyword in node.keywords if keyword.arg]
        if isinstance(node, ast.FunctionDef) and node.name == "container_config":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and isinstance(inner.value, ast.Dict):
                    names += [key.value for key in inner.value.keys
                              if isinstance(key, ast.Constant) and isinstance(key.value, str)]
    return names


def test_every_container_setting_is_explained() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    names = container_settings(HARDENING.read_text(encoding="utf-8"))
    assert {"network_mode", "cap_drop", "read_only", "pids_limit", "image"} <= set(names)
    missing = [name for name in names if f"`{name}`" not in text]
    assert not missing, f"docs/sandbox.md does not explain {missing} (sandbox/hardening.py sets them)"


def test_the_reader_finds_a_new_setting() -> None:
    source = (
        "def container_config():\n    return {'image': 1, 'new_key': 2}\n"
        "HostConfig(version=1, shiny=True)"
    )
    assert sorted(container_settings(source)) == ["image", "new_key", "shiny", "version"]


def test_every_doctor_row_is_shown() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    rows = {name for path in DOCTORS
            for name in re.findall(r"(?:row|DoctorRow)\(\s*\"([^\"]+)\"", path.read_text(encoding="utf-8"))}
    assert {"engine reachable", "memory limit", "process limit", "no Docker socket"} <= rows
    missing = sorted(row for row in rows if row not in text)
    assert not missing, f"docs/sandbox.md does not show the doctor rows {missing}"


def test_the_grading_boundary_has_its_section_and_link() -> None:
    assert "the-grading-boundary" in heading_anchors(GUIDE)
    assert "(grading-boundary.md)" in GUIDE.read_text(encoding="utf-8")

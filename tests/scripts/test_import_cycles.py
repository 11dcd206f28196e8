"""scripts/import_cycles.py, which scripts/checks.sh runs: it fails on modules that import each other,
through others or only for type checking, names them, and passes the project's own packages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "import_cycles.py"
PACKAGES = ("cli", "ops", "web", "service", "store", "config", "grader", "sandbox")


def run(*packages: str, path: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *packages], capture_output=True, text=True,
                          cwd=path, env={"PYTHONPATH": str(path)}, timeout=120)


def write_package(root: Path, modules: dict[str, str]) -> None:
    package = root / "knotted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in modules.items():
        (package / f"{name}.py").write_text(text)


def test_the_project_has_no_import_cycle() -> None:
    done = run(*PACKAGES)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout + done.stderr


def test_a_cycle_through_a_third_module_and_type_checking_is_found(tmp_path: Path) -> None:
    write_package(tmp_path, {
        "a": "from knotted import b\n",
        "b": "from knotted.c import C\n",
        "c": "from typing import TYPE_CHECKING\n"
             "if TYPE_CHECKING:\n    from knotted.a import b\n"
             "class C: ...\n",
        "free": "from knotted import a\n",
    })
    done = run("knotted", path=tmp_path)
    assert done.returncode == 1
    assert "import cycle of 3 modules: knotted.a, knotted.b, knotted.c" in done.stderr, done.stderr
    assert "knotted.free" not in done.stderr

"""Exercise folders written on the fly for loading tests, and the problems loading reports."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from grader.checks.base import GradingContext
from grader.errors import ExerciseInvalid
from grader.exercise import load_exercise
from tests.helpers.data import EXERCISES

MINIMAL = """\
format: 1
title: Two-fer
runtime: python
files: [two_fer.py]
checks:
  - kind: pytest
    tests: [tests/test_two_fer.py]
"""
FOLDER_FILES = {
    "instructions.md": "# Two-fer\n",
    "starter/two_fer.py": "def two_fer(): ...\n",
    "solution/two_fer.py": "def two_fer(): return 'One for you, one for me.'\n",
    "tests/test_two_fer.py": "def test_it(): ...\n",
}


def make_exercise(tmp_path: Path, yaml: str = MINIMAL, files: dict[str, str | None] | None = None) -> Path:
    """An exercise folder `tmp_path/track/ex`: the minimal files, changed by `files` (None removes)."""
    folder = tmp_path / "track" / "ex"
    for name, text in {**FOLDER_FILES, **(files or {})}.items():
        if text is not None:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
    (folder / "exercise.yaml").write_text(yaml)
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(ExerciseInvalid) as caught:
        load_exercise(folder)
    return str(caught.value).splitlines()


def context(files: list[str], submission: Mapping[str, bytes]) -> GradingContext:
    """A GradingContext with a stand-in exercise: the kinds judged on the host read only `.files`."""
    exercise: Any = SimpleNamespace(files=tuple(files), folder=EXERCISES)
    return GradingContext(exercise=exercise, submission=dict(submission))

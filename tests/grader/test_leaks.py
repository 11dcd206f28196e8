"""grader/leaks.py: `grader validate` warns where the learner can read a hidden check's inputs."""

from __future__ import annotations

from pathlib import Path

from grader.exercise import load_exercise
from grader.leaks import hidden_input_warnings
from tests.helpers.exercises import make_exercise

IO = """\
format: 1
title: Minutes
runtime: python
files: [two_fer.py]
checks:
  - kind: io
    run: python3 two_fer.py
    stdin: "125\\n"
    stdout: "2 h 5 min"
  - kind: io
    run: python3 two_fer.py
    stdin: "1000\\n"
    stdout: "16 h 40 min"
    hidden: true
    hint: {hint}
"""


def warnings(tmp_path: Path, yaml: str, files: dict[str, str | None] | None = None) -> list[str]:
    return hidden_input_warnings(load_exercise(make_exercise(tmp_path, yaml, files)))


def test_a_hidden_input_in_the_instructions_or_a_hint_is_reported(tmp_path: Path) -> None:
    found = warnings(tmp_path, IO.format(hint="Try 1000 and 2000."),
                     {"instructions.md": "| `125` | 2 h 5 min |\n| `1000` | 16 h 40 min |\n"})
    assert found == ["the instructions give away inputs of hidden check io-2: '1000'",
                     "the hint of io-2 gives away inputs of hidden check io-2: '1000'"]


def test_inputs_of_visible_checks_and_inputs_nowhere_to_read_are_fine(tmp_path: Path) -> None:
    assert warnings(tmp_path, IO.format(hint="Work it out from the number typed."),
                    {"instructions.md": "Typing `125` gives `2 h 5 min`.\n"}) == []


def test_calls_in_hidden_tests_are_reported_unless_their_arguments_are_only_variables(tmp_path: Path) -> None:
    yaml = """\
format: 1
title: Two-fer
runtime: python
files: [two_fer.py]
checks:
  - kind: pytest
    tests: [tests/test_two_fer.py]
  - kind: pytest
    tests: [tests/test_more.py]
    hidden: true
"""
    files: dict[str, str | None] = {
        "tests/test_more.py": "def test_more():\n    assert double(-7) == -14\n    assert read_names(path)\n",
        "instructions.md": "`read_names(path)` reads a file; `double(-7)` gives `-14`.\n",
    }
    assert warnings(tmp_path, yaml, files) == [
        "the instructions give away inputs of hidden check pytest-2: 'double(-7)'"
    ]

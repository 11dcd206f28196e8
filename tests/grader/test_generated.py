"""Generated cases end to end, on the real engine: each submission is tried on the cases its seed
picks, the seed is in the result, the expected output is the reference solution's for the same input
(kept per exercise version), and a table of the examples' answers fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.browser.references import ReferenceStore
from grader.exercise import load_exercise
from grader.grading import grade_submission
from grader.runner import SandboxRunner
from tests.helpers.exercises import make_exercise

YAML = """\
format: 1
title: Minutes
runtime: python
files: [two_fer.py]
checks:
  - kind: io
    id: any-minutes
    title: Any number of minutes
    run: python3 two_fer.py
    stdin: "{minutes}\\n"
    match: number
    generate:
      count: 3
      pool: 12
      values:
        minutes: {integer: [0, 5000]}
"""
SOLUTION = "m = int(input())\nprint(m // 60, 'h', m % 60, 'min')\n"
TABLE = "print({'125': '2 h 5 min'}.get(input(), '0 h 0 min'))\n"

pytestmark = [pytest.mark.docker]


@pytest.fixture
def exercise_folder(tmp_path: Path) -> Path:
    return make_exercise(tmp_path, YAML, {"solution/two_fer.py": SOLUTION, "starter/two_fer.py": "\n",
                                          "tests/test_two_fer.py": None})


def test_the_seed_picks_the_cases_and_is_recorded(
    exercise_folder: Path, grading_runner: SandboxRunner, reference_store: ReferenceStore
) -> None:
    exercise = load_exercise(exercise_folder)
    right = {"two_fer.py": SOLUTION.replace("m //", "(m - m % 60) //").encode()}  # written another way
    first = grade_submission(exercise, right, grading_runner, reference_store, seed=11)
    again = grade_submission(exercise, right, grading_runner, reference_store, seed=11)
    assert first.status == "pass" and first.seed == 11 and first.to_json()["seed"] == 11
    names = [test.name for test in first.checks[0].tests]
    assert len(names) == 3 and names == [test.name for test in again.checks[0].tests]
    picks = {tuple(t.name for t in grade_submission(exercise, right, grading_runner, reference_store,
                                                    seed=seed).checks[0].tests) for seed in (1, 2, 3, 4)}
    assert len(picks) > 1  # other seeds, other cases


def test_a_table_of_answers_fails_every_pool(
    exercise_folder: Path, grading_runner: SandboxRunner, reference_store: ReferenceStore
) -> None:
    exercise = load_exercise(exercise_folder)
    result = grade_submission(exercise, {"two_fer.py": TABLE.encode()}, grading_runner, reference_store,
                              every_entry=True)
    assert result.status == "fail" and len(result.checks[0].tests) == 12
    assert result.seed is None  # every case was tried: no seed picked them

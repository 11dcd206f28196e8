"""The shipped curriculum (exercises/) is sound: `grader validate` passes for every exercise, with its
solution, every right/ solution, its starter and every wrong/ case (each failing for the reason its
expect.yaml gives), generated checks tried on every case of their pools. One test per exercise, so
that a failure names it. The shape of each exercise (right/ and wrong/ cases, no hidden inputs given
away) is checked without the engine."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.exercise import load_exercise
from grader.leaks import hidden_input_warnings
from grader.runner import SandboxRunner
from grader.validate import Verdict, find_exercise_folders, validate_exercise
from sandbox.errors import SandboxUnavailable
from sandbox.settings import SandboxSettings
from tests.helpers.machine import unavailable

ROOT = Path(__file__).resolve().parent.parent.parent
CURRICULUM = ROOT / "exercises"
FOLDERS = find_exercise_folders([CURRICULUM])
KEYS = [folder.relative_to(CURRICULUM).as_posix() for folder in FOLDERS]


def test_the_curriculum_is_found() -> None:
    assert len(FOLDERS) >= 36, KEYS


@pytest.mark.parametrize("key", KEYS)
def test_each_exercise_has_right_and_wrong_cases_that_say_why(key: str) -> None:
    exercise = load_exercise(CURRICULUM / key, CURRICULUM)
    right, wrong = exercise.right_submissions(), exercise.wrong_submissions()
    assert len(right) >= 2, f"{key}: give at least two right/ solutions written in other styles"
    assert len(wrong) >= 3, f"{key}: give at least three wrong/ cases"
    unexplained = sorted(set(wrong) - set(exercise.wrong_expectations))
    assert not unexplained, f"{key}: wrong/ cases without an expect.yaml: {unexplained}"


@pytest.mark.parametrize("key", KEYS)
def test_no_hidden_input_is_given_away(key: str) -> None:
    assert hidden_input_warnings(load_exercise(CURRICULUM / key, CURRICULUM)) == []


@pytest.fixture(scope="module")
def verdicts(runner_image: str) -> Iterator[dict[str, Future[Verdict]]]:
    """Every exercise validated as `grader validate` does, each case graded once (CI's time: `grader
    validate` grades twice to find flaky checks, and tests/grader/test_validate.py covers that), two at
    a time on one warm runner (the worker's slots share one runner the same way)."""
    runner = SandboxRunner(SandboxSettings(pool_size=2))
    try:
        runner.get()
    except SandboxUnavailable as error:
        unavailable(str(error))
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {key: pool.submit(validate_exercise, load_exercise(CURRICULUM / key, CURRICULUM), runner, 1)
               for key in KEYS}
    runner.close()


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("key", KEYS)
def test_grader_validate_passes(key: str, verdicts: dict[str, Future[Verdict]]) -> None:
    verdict = verdicts[key].result()
    assert verdict.problems == (), "\n".join(verdict.problems)
    assert verdict.runs >= 6  # the solution, two right/ solutions, the starter and three wrong/ cases

"""grader/validate.py: an exercise is sound when its solution earns full marks, everything else earns less,
and every verdict is the same twice. Grading is replaced by a script of results here (the real engine
runs in test_cli.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from grader import validate
from grader.exercise import Exercise, load_exercise
from grader.intake import SubmissionRejected
from grader.result import CheckResult, Result
from grader.runner import SandboxRunner
from grader.validate import find_exercise_folders, validate_exercise
from sandbox import SandboxSettings
from tests.helpers.data import CATALOGS

FIXTURES = CATALOGS / "small"
TWO_FER = FIXTURES / "python" / "two-fer"
RUNNER = SandboxRunner(SandboxSettings())  # never opened: grading is scripted


def result(score: float, status: str = "", message: str = "", check_status: str = "") -> Result:
    check = CheckResult(
        id="pytest-1", title="Unit tests", kind="pytest",
        status=check_status or ("pass" if score == 10 else "fail"),  # type: ignore[arg-type]
        score=score, max_score=10, message="3 of 4 tests passed\nmore" if score < 10 else "",
    )
    return Result(
        exercise="python/two-fer", status=status or ("pass" if score == 10 else "fail"),  # type: ignore[arg-type]
        score=score, max_score=10, duration_s=0.1, checks=(check,) if status != "error" else (),
        message=message,
    )


@pytest.fixture
def exercise() -> Exercise:
    return load_exercise(TWO_FER, FIXTURES)


Outcomes = Mapping[str, list[Result | Exception]]


def script(monkeypatch: pytest.MonkeyPatch, exercise: Exercise, by_name: Outcomes) -> None:
    """Make grading return, for each submission (by the name validate gives it), these results in order."""
    names = {"solution": exercise.read_solution(), "starter": exercise.read_starter()}
    names.update({f"wrong/{name}": files for name, files in exercise.wrong_submissions().items()})
    names.update({f"right/{name}": files for name, files in exercise.right_submissions().items()})
    queues: dict[str, Iterator[Result | Exception]] = {name: iter(items) for name, items in by_name.items()}

    def graded(ex: Exercise, files: Mapping[str, bytes], runner: SandboxRunner, **options: object) -> Result:
        name = next(name for name, known in names.items() if known == files)
        outcome = next(queues[name])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(validate, "grade_submission", graded)


def test_a_sound_exercise(monkeypatch: pytest.MonkeyPatch, exercise: Exercise) -> None:
    script(monkeypatch, exercise, {
        "solution": [result(10), result(10)],
        "starter": [result(0), result(0)],
        "wrong/no-name": [result(7.5), result(7.5)],
        "wrong/says-hello": [result(0), result(0)],
    })
    verdict = validate_exercise(exercise, RUNNER)
    assert (verdict.exercise, verdict.problems, verdict.runs, verdict.ok) == ("python/two-fer", (), 8, True)


def test_every_problem_at_once(monkeypatch: pytest.MonkeyPatch, exercise: Exercise) -> None:
    script(monkeypatch, exercise, {
        "solution": [result(7.5), result(7.5)],
        "starter": [result(10), result(10)],
        "wrong/no-name": [result(7.5), result(5)],
        "wrong/says-hello": [result(10), result(10)],
    })
    assert validate_exercise(exercise, RUNNER).problems == (
        "solution: does not earn full marks: 7.5/10; not passing: pytest-1 (fail: 3 of 4 tests passed)",
        "starter: earns full marks, but it should not",
        "wrong/no-name: flaky check(s), a different verdict on a second run: pytest-1",
        "wrong/says-hello: earns full marks, but it should not",
    )


def test_a_flaky_status_with_the_same_score(monkeypatch: pytest.MonkeyPatch, exercise: Exercise) -> None:
    script(monkeypatch, exercise, {
        "solution": [result(10), result(10)],
        "starter": [result(0, check_status="fail"), result(0, check_status="timeout")],
        "wrong/no-name": [result(0), result(0)],
        "wrong/says-hello": [result(0), result(0)],
    })
    assert validate_exercise(exercise, RUNNER).problems == (
        "starter: flaky check(s), a different verdict on a second run: pytest-1",
    )


def test_refused_and_ungradable_submissions(monkeypatch: pytest.MonkeyPatch, exercise: Exercise) -> None:
    script(monkeypatch, exercise, {
        "solution": [result(0, status="error", message="The Docker engine is not reachable")] * 2,
        "starter": [SubmissionRejected(["two_fer.py is 300 KiB; a file may be at most 256 KiB"])],
        "wrong/no-name": [result(0), result(0)],
        "wrong/says-hello": [result(0), result(0)],
    })
    assert validate_exercise(exercise, RUNNER).problems == (
        "solution: could not be graded: The Docker engine is not reachable",
        "starter: refused: two_fer.py is 300 KiB; a file may be at most 256 KiB",
    )


@pytest.fixture
def with_examples(tmp_path: Path) -> Exercise:
    """two-fer with a right submission, and an expect.yaml for one of its wrong ones."""
    folder = tmp_path / "python" / "two-fer"
    shutil.copytree(TWO_FER, folder)
    (folder / "right" / "concatenated").mkdir(parents=True)
    (folder / "right" / "concatenated" / "two_fer.py").write_text(
        "def two_fer(name='you'):\n    return 'One for ' + name + ', one for me.'\n")
    (folder / "wrong" / "no-name" / "expect.yaml").write_text(
        "why: Forgets the name.\nfails:\n  - check: pytest-1\n    says: [3 of 4]\n")
    return load_exercise(folder, tmp_path)


def test_a_right_submission_must_earn_full_marks_and_a_wrong_one_fail_what_it_expects(
    monkeypatch: pytest.MonkeyPatch, with_examples: Exercise
) -> None:
    (expectation,) = with_examples.wrong_expectations.values()
    assert [(f.check, f.says) for f in expectation.fails] == [("pytest-1", ("3 of 4",))]
    assert "expect.yaml" not in with_examples.wrong_submissions()["no-name"]  # never submitted
    script(monkeypatch, with_examples, {
        "solution": [result(10), result(10)],
        "right/concatenated": [result(7.5), result(7.5)],
        "starter": [result(0), result(0)],
        "wrong/no-name": [result(10, status="fail", check_status="pass")] * 2,
        "wrong/says-hello": [result(0), result(0)],
    })
    verdict = validate_exercise(with_examples, RUNNER)
    assert verdict.problems == (
        "right/concatenated: does not earn full marks: 7.5/10; not passing: pytest-1 "
        "(fail: 3 of 4 tests passed)",
        "wrong/no-name: check pytest-1 passed, but expect.yaml says it must fail",
    )
    assert verdict.runs == 10


def test_find_exercise_folders(tmp_path: Path) -> None:
    for key in ("a/one", "a/two", "b/three", "b/three/nested"):
        (tmp_path / key).mkdir(parents=True)
        (tmp_path / key / "exercise.yaml").write_text("format: 1\n")
    (tmp_path / "c").mkdir()
    found = find_exercise_folders([tmp_path / "b", tmp_path, tmp_path / "a" / "one" / "exercise.yaml"])
    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "a/one", "a/two", "b/three", "b/three/nested",
    ]
    assert find_exercise_folders([tmp_path / "c"]) == []

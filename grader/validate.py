"""`grader validate`: an exercise is sound when its solution and every other right solution (`right/`)
earn full marks, its starter and every known-wrong submission earn less (failing the checks their
expect.yaml names, with the words it gives), and every check gives the same verdict twice in a row.
Generated checks are tried on every case of their pools. Warnings (hidden inputs the learner can read)
do not fail an exercise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.exercise import Exercise
from grader.grading import grade_submission
from grader.intake import SubmissionRejected
from grader.leaks import hidden_input_warnings
from grader.result import Result
from grader.runner import SandboxRunner


@dataclass(frozen=True)
class Verdict:
    exercise: str
    problems: tuple[str, ...]
    runs: int
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def _summary(result: Result) -> str:
    failing = [f"{c.id} ({c.status}: {c.message.splitlines()[0] if c.message else ''})"
               for c in result.checks if c.status != "pass"]
    score = f"{result.score:g}/{result.max_score:g}"
    return f"{score}; not passing: {', '.join(failing)}" if failing else score


def _grade(
    exercise: Exercise, name: str, files: Mapping[str, bytes], runner: SandboxRunner, problems: list[str],
    runs: int,
) -> Result | None:
    """The first of `runs` gradings of `files`; a check whose verdict differs between them is flaky."""
    try:
        results = [grade_submission(exercise, files, runner, every_entry=True) for _ in range(runs)]
    except SubmissionRejected as error:
        problems.append(f"{name}: refused: {'; '.join(error.problems)}")
        return None
    for result in results:
        if result.status == "error":  # the engine or the harness failed: not a verdict on the check
            problems.append(f"{name}: could not be graded: {result.message}")
            return None
    first = results[0]
    verdicts = {c.id: (c.status, c.score) for c in first.checks}
    flaky = list(dict.fromkeys(c.id for later in results[1:] for c in later.checks
                               if verdicts.get(c.id) != (c.status, c.score)))
    if flaky:
        problems.append(f"{name}: flaky check(s), a different verdict on a second run: {', '.join(flaky)}")
    return first


def validate_exercise(exercise: Exercise, runner: SandboxRunner, runs: int = 2) -> Verdict:
    """`runs`: gradings of each case (two find flaky checks; one is enough where speed matters more)."""
    problems: list[str] = []
    right = {"solution": exercise.read_solution()}
    right.update({f"right/{name}": files for name, files in exercise.right_submissions().items()})
    for name, files in right.items():
        result = _grade(exercise, name, files, runner, problems, runs)
        if result is not None and result.status != "pass":
            problems.append(f"{name}: does not earn full marks: {_summary(result)}")
    submissions = {"starter": exercise.read_starter()}
    submissions.update({f"wrong/{name}": files for name, files in exercise.wrong_submissions().items()})
    for name, files in submissions.items():
        result = _grade(exercise, name, files, runner, problems, runs)
        if result is None:
            continue
        if result.status == "pass":
            problems.append(f"{name}: earns full marks, but it should not")
        expectation = exercise.wrong_expectations.get(name.removeprefix("wrong/"))
        if name != "starter" and expectation is not None:
            problems += [f"{name}: {problem}" for problem in expectation.problems(result.checks)]
    graded = runs * (len(right) + len(submissions))
    return Verdict(exercise.key, tuple(problems), graded, tuple(hidden_input_warnings(exercise)))


def find_exercise_folders(paths: tuple[Path, ...] | list[Path]) -> list[Path]:
    """Every folder holding an exercise.yaml at or under `paths`, sorted, without duplicates."""
    found: set[Path] = set()
    for path in paths:
        path = path.resolve()
        if path.is_file() and path.name == "exercise.yaml":
            found.add(path.parent)
        elif path.is_dir():
            found.update(p.parent for p in path.rglob("exercise.yaml"))
    return sorted(found)

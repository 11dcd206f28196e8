"""Golden tests, the one runner: real submissions graded for real, compared with the result a human
checked.

Each case is a folder `tests/data/golden/<kind>/<case>/` holding `submission/` (the learner's files) and
`expected.json`: the parts of the result that must match exactly. `expected.json` names its exercise
(`"exercise": "<track>/<slug>"`, under tests/data/exercises/); a new case whose track holds one exercise
needs only its `submission/`, where files the exercise does not list (a README.txt saying what the
case is) are left out. Adding a case is adding a folder. Cases whose exercise is judged wholly
on the host (html checks, css checks in `mode: written`) grade without any container; the others in
the real sandbox. Generated cases are picked with the seed GOLDEN_SEED.

Always compared: the result's status, score and max_score; per check its id, status, score, max_score,
message, hint and tests; per test its name and status. Compared when `expected.json` has them (delete
one to stop comparing it where it is not stable): the result's `message`, a check's `output`, a test's
`message`.

`GOLDEN_UPDATE=1 pytest tests/grader/test_golden.py` rewrites every expected.json from the current
results, leaving out the optional keys a file left out where the verdict is unchanged. For humans, who
then read the diff: never in CI.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from grader import __version__
from grader.browser.references import ReferenceStore
from grader.exercise import Exercise
from grader.grading import grade_submission
from grader.result import HIDDEN_MESSAGE, HIDDEN_TEST_MESSAGE, for_learner
from grader.runner import SandboxRunner
from sandbox import SandboxSettings
from tests.helpers.data import EXERCISES, GOLDEN, fixture_exercise
from tests.helpers.machine import IN_CI

UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"

RESULT_KEYS = ("exercise", "status", "score", "max_score")
CHECK_KEYS = ("id", "status", "score", "max_score", "message", "hint")
TEST_KEYS = ("name", "status")
GOLDEN_SEED = 14


def on_host(exercise: Exercise) -> bool:
    """Whether every check is judged on the host: such an exercise grades without any container."""
    return all(check.judged_on_host() for check in exercise.checks)


def expected_of(folder: Path) -> dict[str, Any] | None:
    file = folder / "expected.json"
    return json.loads(file.read_text()) if file.exists() else None


def exercise_key(kind: str, case: str, expected: dict[str, Any] | None) -> str:
    """The case's exercise: as `expected.json` names it, else the only exercise of the kind's track."""
    if expected is not None and "exercise" in expected:
        return str(expected["exercise"])
    found = sorted(p.parent.name for p in (EXERCISES / kind).glob("*/exercise.yaml"))
    if len(found) != 1:
        pytest.fail(f'{kind}/{case}: write {{"exercise": "{kind}/<slug>"}} into its expected.json ({found})')
    return f"{kind}/{found[0]}"


def golden_cases() -> list[Any]:
    """Every case, marked `docker` unless its exercise is judged wholly on the host."""
    cases = []
    for folder in sorted(GOLDEN.glob("*/*/submission")):
        kind, case = folder.parent.parent.name, folder.parent.name
        exercise = fixture_exercise(exercise_key(kind, case, expected_of(folder.parent)))
        marks = () if on_host(exercise) else (pytest.mark.docker,)
        cases.append(pytest.param(kind, case, marks=marks, id=f"{kind}/{case}"))
    return cases


CASES = golden_cases()


def comparable(result: dict[str, Any], shape: dict[str, Any] | None) -> dict[str, Any]:
    """The parts of `result` a golden file pins: the required keys, and the optional ones `shape`
    (the current expected.json) has. Where `shape` has no entry of the same status to follow (a new
    case, a new check, a verdict that changed), every optional key that is not empty."""

    def optional(key: str, item: dict[str, Any], old: dict[str, Any] | None) -> bool:
        if old is not None and old.get("status") == item["status"]:
            return key in old
        return bool(item[key])

    out = {key: result[key] for key in RESULT_KEYS}
    if optional("message", result, shape):
        out["message"] = result["message"]
    old_checks = {c["id"]: c for c in (shape or {}).get("checks", [])}
    checks = []
    for check in result["checks"]:
        old = old_checks.get(check["id"])
        item = {key: check[key] for key in CHECK_KEYS}
        if optional("output", check, old):
            item["output"] = check["output"]
        old_tests = {t["name"]: t for t in (old or {}).get("tests", [])}
        tests = []
        for test in check["tests"]:
            pinned = {key: test[key] for key in TEST_KEYS}
            if optional("message", test, old_tests.get(test["name"])):
                pinned["message"] = test["message"]
            tests.append(pinned)
        item["tests"] = tests
        checks.append(item)
    out["checks"] = checks
    return out


def check_invariants(result: dict[str, Any], exercise: Exercise) -> None:
    """What must hold for every result, whatever the case."""
    assert result["format"] == 1
    provenance = result["provenance"]
    assert re.fullmatch(r"[0-9a-f]{64}", provenance["exercise_sha256"])
    assert provenance["exercise_sha256"] == exercise.sha256
    assert provenance["grader_version"] == __version__
    if result["status"] != "error":
        assert provenance["image"] == "" if on_host(exercise) else provenance["image"].startswith("sha256:")
        assert result["score"] == pytest.approx(sum(c["score"] for c in result["checks"]))
    assert result["max_score"] == sum(check.points for check in exercise.checks)
    json.dumps(result, ensure_ascii=False).encode("utf-8")  # valid UTF-8 all through
    specs = {check.id: check for check in exercise.checks}
    learner = for_learner(result)
    for check, shown in zip(result["checks"], learner["checks"], strict=True):
        spec = specs[check["id"]]
        assert check["hidden"] == spec.hidden
        assert check["hint"] == (spec.nudge if check["status"] != "pass" else None)  # hints only on failure
        assert check["hint_answer"] == (spec.answer if check["status"] != "pass" else None)
        if check["hidden"]:  # the stored result keeps the details; the learner sees only the verdict
            assert (shown["message"], shown["output"], shown["tests"]) == (HIDDEN_MESSAGE, "", [])
            assert (shown["title"], shown["status"], shown["score"]) == (
                check["title"], check["status"], check["score"]
            )
        else:  # a hidden test (a hidden row of a calls table) keeps its name and verdict only
            tests = [{**test, "message": HIDDEN_TEST_MESSAGE} if test.get("hidden") else test
                     for test in check["tests"]]
            assert {**shown, "tests": list(shown["tests"])} == {**check, "tests": tests}


@pytest.mark.parametrize(("kind", "case"), CASES)
def test_golden(kind: str, case: str, request: pytest.FixtureRequest,
                reference_store: ReferenceStore) -> None:
    folder = GOLDEN / kind / case
    expected_file = folder / "expected.json"
    expected = expected_of(folder)
    exercise = fixture_exercise(exercise_key(kind, case, expected))
    # A runner that is never opened proves the host-judged cases need no engine at all.
    host = on_host(exercise)
    runner = SandboxRunner(SandboxSettings()) if host else request.getfixturevalue("grading_runner")
    submitted = folder / "submission"  # files the exercise does not list are notes (README.txt), not work
    files = {path: (submitted / path).read_bytes() for path in exercise.files if (submitted / path).is_file()}
    result = grade_submission(exercise, files, runner, reference_store, seed=GOLDEN_SEED).to_json()
    assert result["status"] != "error", f"could not grade, not a learner's verdict: {result['message']}"
    check_invariants(result, exercise)
    if UPDATE:
        assert not IN_CI, "GOLDEN_UPDATE=1 is for humans: never in CI"
        fresh = comparable(result, expected)
        expected_file.write_text(json.dumps(fresh, indent=2, ensure_ascii=False) + "\n")
        return
    assert expected is not None, f"{kind}/{case} has no expected.json: run with GOLDEN_UPDATE=1, then read it"
    assert comparable(result, expected) == expected


def test_every_kind_has_a_passing_a_failing_and_an_erroring_case() -> None:
    statuses: dict[str, set[str]] = {}
    for folder in GOLDEN.glob("*/*"):
        expected = expected_of(folder)
        if expected is not None:
            statuses.setdefault(folder.parent.name, set()).update(c["status"] for c in expected["checks"])
    for kind in ("pytest", "io", "node", "script", "dom", "http", "html", "css", "browser", "calls"):
        assert {"pass", "fail"} <= statuses.get(kind, set()), kind
    for kind in ("pytest", "io", "node", "script", "dom", "http", "browser", "calls"):  # html: on the host
        assert statuses[kind] & {"error", "timeout", "memory", "output"}, kind


def test_a_hidden_check_keeps_its_details_for_instructors_only() -> None:
    """The stored result of a hidden check holds what went wrong; the learner's view, only the verdict."""
    stored = json.loads((GOLDEN / "io" / "capitals" / "expected.json").read_text())
    checks = [{**c, "hidden": c["id"] == "empty", "output": c.get("output", "")} for c in stored["checks"]]
    stored = {**stored, "checks": checks}
    hidden = next(check for check in stored["checks"] if check["id"] == "empty")
    assert "No numbers" in hidden["output"] and hidden["hint"]  # for the instructor: everything
    shown = {check["id"]: check for check in for_learner(stored)["checks"]}
    assert shown["empty"] == {**hidden, "message": HIDDEN_MESSAGE, "output": "", "tests": []}
    assert "No numbers" not in json.dumps(shown["empty"])
    assert shown["exact"] == next(c for c in stored["checks"] if c["id"] == "exact")  # visible: untouched

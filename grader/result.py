"""The result format (format 1): what `grader run --json` prints, the database stores and the site shows."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any, Literal

CheckStatus = Literal["pass", "fail", "error", "timeout", "memory", "output"]
ResultStatus = Literal["pass", "fail", "error"]
TestStatus = Literal["pass", "fail", "error", "skipped"]
"""`skipped`: the instructor marked the test as skipped; it is shown as not counted and left out of
the score."""

RESULT_FORMAT = 1
TEXT_CAP = 8_000
TRUNCATION_MARK = "\n… (cut: {n} more characters)"


def cap_text(text: str, limit: int = TEXT_CAP) -> str:
    """Cap `text` at `limit` characters, marking the cut, and make sure it is valid UTF-8."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) <= limit:
        return text
    return text[:limit] + TRUNCATION_MARK.format(n=len(text) - limit)


@dataclass(frozen=True)
class TestOutcome:
    """One test inside a check: a pytest test, an html assertion, an http request."""

    name: str
    status: TestStatus
    message: str = ""
    hidden: bool = False
    """A hidden row of a visible check (a `calls` table): learners see its name and verdict only. In the
    JSON only when true."""


@dataclass(frozen=True)
class Picture:
    """A screenshot of the learner's page at one viewport ("375x800"), a PNG in base64, size-capped."""

    viewport: str
    png_base64: str


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    kind: str
    status: CheckStatus
    score: float
    max_score: float
    message: str = ""
    hint: str | None = None
    output: str = ""
    tests: tuple[TestOutcome, ...] = ()
    hidden: bool = False
    images: tuple[Picture, ...] = ()
    hint_answer: str | None = None
    """The second tier of the hint: how to do it. The site shows it only to a learner who failed this
    check several times (`hint` is the first tier, shown at every failure)."""


@dataclass(frozen=True)
class Provenance:
    exercise_sha256: str
    image: str
    grader_version: str


@dataclass(frozen=True)
class Result:
    exercise: str
    status: ResultStatus
    score: float
    max_score: float
    duration_s: float
    checks: tuple[CheckResult, ...] = ()
    provenance: Provenance | None = None
    message: str = ""
    seed: int | None = None
    """What picked the cases of generated checks (`grader run --seed` grades the same way again);
    None when no check generates cases."""

    def to_json(self) -> dict[str, Any]:
        """The result format 1, as JSON-ready data (everything, hidden checks included)."""
        data = asdict(self)
        for check in data["checks"]:
            for test in check["tests"]:
                if not test["hidden"]:
                    del test["hidden"]
        return {"format": RESULT_FORMAT, **data}


HIDDEN_MESSAGE = "This is a hidden check: only its verdict is shown."
HIDDEN_TEST_MESSAGE = "This is a hidden test: only its verdict is shown."
NOT_COUNTED = "Not counted: the instructor skipped this test"


def for_learner(result: dict[str, Any], answers: Collection[str] = ()) -> dict[str, Any]:
    """A stored result as a learner may see it: hidden checks keep their title, verdict and hint,
    never their inputs, expectations, output, test details or pictures. The second tier of a
    check's hint (`hint_answer`) stays only for the checks in `answers` (those the learner failed
    often enough, the site decides); elsewhere `more_help` says that there is one to come."""
    shown = dict(result)
    shown["checks"] = [_answer(_hide(check) if check.get("hidden") else _hide_tests(check), answers)
                       for check in result.get("checks", [])]
    return shown


def _answer(check: dict[str, Any], answers: Collection[str]) -> dict[str, Any]:
    if not check.get("hint_answer") or check.get("id") in answers:
        return check
    return {**check, "hint_answer": None, "more_help": True}


def _hide_tests(check: dict[str, Any]) -> dict[str, Any]:
    """A visible check whose hidden tests keep only their name and verdict."""
    tests = check.get("tests") or []
    if not any(isinstance(test, dict) and test.get("hidden") for test in tests):
        return check
    hidden = [{**test, "message": HIDDEN_TEST_MESSAGE} if test.get("hidden") else test for test in tests]
    return {**check, "tests": hidden}


def _hide(check: dict[str, Any]) -> dict[str, Any]:
    hidden = {**check, "message": HIDDEN_MESSAGE, "output": "", "tests": []}
    if "images" in check:  # results stored before pictures existed have no such key
        hidden["images"] = []
    return hidden

"""grader/expectations.py: a wrong case's expect.yaml names the checks that must fail and the words
their message must hold, so that a wrong case cannot pass validation for another reason."""

from __future__ import annotations

from pathlib import Path

from grader import result
from grader.expectations import WrongExpectation, load_expectation


def check(
    check_id: str, status: str, message: str = "", tests: tuple[result.TestOutcome, ...] = ()
) -> result.CheckResult:
    return result.CheckResult(id=check_id, title=check_id, kind="http", status=status,  # type: ignore[arg-type]
                       score=1.0 if status == "pass" else 0.0, max_score=1, message=message, tests=tests)


EXPECT = WrongExpectation.model_validate({
    "why": "The INSERT is built with an f-string.",
    "fails": [{"check": "quotes", "says": "the SQL"}, {"check": "http-2"}],
})


def test_failing_for_the_reason_given_is_as_expected() -> None:
    failing_test = result.TestOutcome(name="A name with an apostrophe", status="fail",
                               message="Your app answered 500: the  sql broke.")
    assert EXPECT.problems([check("quotes", "fail", "0 of 1 tests passed", (failing_test,)),
                            check("http-2", "error", "crashed")]) == []


def test_a_check_that_passes_fails_for_other_words_or_did_not_run_is_a_problem() -> None:
    graded = [check("quotes", "fail", "The page should say Hello"), check("http-2", "pass")]
    assert EXPECT.problems(graded) == [
        "check quotes failed, but its message does not say 'the SQL': The page should say Hello",
        "check http-2 passed, but expect.yaml says it must fail",
    ]
    assert EXPECT.problems([]) == ["check quotes did not run", "check http-2 did not run"]


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "expect.yaml"
    path.write_text(text)
    expectation, errors = load_expectation(path, "ex/wrong/a/expect.yaml", ["http-1", "quotes"])
    assert expectation is None
    return [str(error) for error in errors]


def test_an_unknown_check_or_key_is_a_content_error_with_its_place(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "why: x\nfails:\n  - check: quotes\n  - check: http-9\n") == [
        "ex/wrong/a/expect.yaml:4:12: fails.1.check: no check 'http-9' in this exercise "
        "(its checks: http-1, quotes)"
    ]
    assert errors_of(tmp_path, "fails:\n  - {check: http-1, sayz: [a]}\n") == [  # and not "must not be empty"
        "ex/wrong/a/expect.yaml:2:21: fails.0: unknown key 'sayz'; did you mean 'says'?"
    ]
    assert errors_of(tmp_path, "fails: []\n") == ["ex/wrong/a/expect.yaml:1:8: fails: must not be empty"]

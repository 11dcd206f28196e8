"""`grader run` and `grader validate`: what they print, and their exit codes (0 pass, 1 below, 2 error)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.checks import KINDS
from grader.cli import EXIT_ERROR, EXIT_FAIL, EXIT_PASS
from tests.helpers.data import BROKEN as BROKEN_EXERCISES
from tests.helpers.data import EXERCISES, GOLDEN

BROKEN = BROKEN_EXERCISES / "many-mistakes"
SHOUT = EXERCISES / "pytest" / "shout"
SHEET = EXERCISES / "css" / "golden-sheet"
EXPECTED_BROKEN = (
    (BROKEN.parent / "many-mistakes.expected").read_text()
    .replace("{known}", ", ".join(sorted(KINDS)))
    .splitlines()
)


ROOT = Path(__file__).resolve().parent.parent.parent


def grader(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line run as a learner's grader would run it: its own process, its real exit code."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *(str(arg) for arg in args)],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env={**os.environ, **(env or {})},
    )


@pytest.mark.docker
@pytest.mark.usefixtures("runner_image")
def test_run_full_marks_prints_a_table_and_exits_0() -> None:
    result = grader("run", SHOUT, GOLDEN / "pytest" / "pass" / "submission")
    assert result.returncode == EXIT_PASS, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("pytest/shout: PASS  5 / 5  (")
    assert lines[1:] == [
        "  PASS   Unit tests  4/4",
        "  PASS   More cases  1/1 (hidden)",
    ]


@pytest.mark.docker
@pytest.mark.usefixtures("runner_image")
def test_run_below_full_marks_shows_what_failed_and_exits_1() -> None:
    result = grader("run", SHOUT, GOLDEN / "pytest" / "partial" / "submission")
    assert result.returncode == EXIT_FAIL, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "  FAIL   Unit tests  3/4",
        "         3 of 4 tests passed",
        "         Hint: `str.upper()` shouts, `str.split()` finds the words.",
        "         - count spaces: AssertionError: assert 7 == 2",
        "  FAIL   More cases  0.5/1 (hidden)",
        "         1 of 2 tests passed",
        "         - count nothing: AssertionError: assert 1 == 0",
    ]


@pytest.mark.docker
@pytest.mark.usefixtures("runner_image")
def test_run_json_prints_the_result_format() -> None:
    result = grader("run", SHOUT, GOLDEN / "pytest" / "syntax-error" / "submission", "--json")
    assert result.returncode == EXIT_FAIL
    data = json.loads(result.stdout)
    assert (data["format"], data["exercise"]) == (1, "pytest/shout")
    assert (data["status"], data["score"]) == ("fail", 0.0)
    assert [check["status"] for check in data["checks"]] == ["error", "error"]
    assert "shout.py on line 5" in data["checks"][0]["message"]
    assert set(data["provenance"]) == {"exercise_sha256", "image", "grader_version"}


def test_run_html_and_css_needs_no_engine() -> None:
    result = grader("run", SHEET, GOLDEN / "css" / "sheet-fail" / "submission", "--json",
                    env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert result.returncode == EXIT_FAIL
    assert json.loads(result.stdout)["score"] == 1.0


def test_run_when_the_engine_is_down_could_not_grade() -> None:
    result = grader("run", SHOUT, GOLDEN / "pytest" / "pass" / "submission",
                    env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert result.returncode == EXIT_ERROR
    assert result.stdout.startswith("pytest/shout: ERROR  0 / 5")
    assert "Docker engine is not reachable" in result.stdout


def test_run_a_refused_submission_exits_2_with_every_reason(tmp_path: Path) -> None:
    (tmp_path / "shout.py").write_text("def shout(text): ...\n")
    (tmp_path / "conftest.py").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "link.py").symlink_to("/etc/passwd")
    result = grader("run", SHOUT, tmp_path)
    assert result.returncode == EXIT_ERROR
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "The submission was refused:",
        "  link.py is a link; send the file itself",
    ]
    (tmp_path / "link.py").unlink()
    result = grader("run", SHOUT, tmp_path)
    assert result.stderr.splitlines() == [
        "The submission was refused:",
        "  conftest.py is not one of this exercise's files (shout.py)",
        "  notes.txt is not one of this exercise's files (shout.py)",
    ]


def test_run_an_invalid_exercise_exits_2_with_its_mistakes(tmp_path: Path) -> None:
    result = grader("run", BROKEN, tmp_path)
    assert result.returncode == EXIT_ERROR
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 12
    assert lines[0] == "broken/many-mistakes/exercise.yaml:3:1: unknown key 'sumary'; did you mean 'summary'?"


def test_run_needs_existing_folders(tmp_path: Path) -> None:
    result = grader("run", tmp_path / "nothing", tmp_path)
    assert result.returncode == 2  # click's usage error
    assert "does not exist" in result.stderr


ECHO = {
    "exercise.yaml": (
        "format: 1\ntitle: Echo\nruntime: python\nfiles: [echo.py]\ninstructions: Print what you read.\n"
        "checks:\n  - kind: io\n    run: python3 echo.py\n    stdin: hello\n    stdout: hello\n"
    ),
    "solution/echo.py": "print(input())\n",
    "starter/echo.py": "# read a line, print it\n",
    "wrong/shouts/echo.py": "print(input().upper())\n",
}


def write_echo(folder: Path, **changes: str) -> Path:
    """A one-step exercise: validating it grades few and small runs."""
    for name, text in {**ECHO, **changes}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


@pytest.mark.docker
@pytest.mark.usefixtures("runner_image")
def test_validate_a_sound_exercise_exits_0(tmp_path: Path) -> None:
    write_echo(tmp_path / "basics" / "echo")
    result = grader("validate", tmp_path / "basics" / "echo")
    assert result.returncode == EXIT_PASS, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["ok   basics/echo", "1 of 1 exercises are sound."]
    assert "Validating" in result.stderr  # the progress bar


@pytest.mark.docker
@pytest.mark.usefixtures("runner_image")
def test_validate_reports_every_unsound_exercise_and_exits_1(tmp_path: Path) -> None:
    shutil.copytree(BROKEN.parent, tmp_path / "broken")
    (tmp_path / "broken" / "many-mistakes" / "tests" / "outside.js").symlink_to("/etc/hostname")
    write_echo(tmp_path / "basics" / "lenient", **{"starter/echo.py": ECHO["solution/echo.py"]})
    write_echo(tmp_path / "basics" / "wrong-answer", **{"solution/echo.py": "print('hello!')\n"})
    result = grader("validate", tmp_path)
    assert result.returncode == EXIT_FAIL, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "FAIL basics/lenient",
        "     starter: earns full marks, but it should not",
        "FAIL basics/wrong-answer",
        "     solution: does not earn full marks: 0/1; not passing: io-1 (fail: Your program's output is not"
        " what was expected.)",
    ]
    assert lines[4] == "FAIL broken/many-mistakes"
    assert lines[5:] == [f"     {line}" for line in EXPECTED_BROKEN] + ["0 of 3 exercises are sound."]


def test_validate_with_nothing_to_validate(tmp_path: Path) -> None:
    result = grader("validate", tmp_path)
    assert result.returncode == EXIT_FAIL
    assert "No exercise found" in result.stderr


def test_grading_a_python_exercise_loads_no_other_check_kind(tmp_path: Path) -> None:
    """The check registry imports a kind when an exercise first uses it: `grader run` on a Python
    exercise pays for pytest's and io's models, not for the browser's (and its HTML selector engine)."""
    probe = ("import sys; from grader.exercise import load_exercise; from pathlib import Path; "
             f"load_exercise(Path({str(EXERCISES / 'python' / 'two-fer')!r})); "
             "print(sorted(m for m in sys.modules if m.startswith('grader.checks.') or m == 'soupsieve'))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout
    assert "grader.checks.pytest" in loaded
    for other in ("grader.checks.browser", "grader.checks.dom", "grader.checks.css", "soupsieve"):
        assert other not in loaded, loaded

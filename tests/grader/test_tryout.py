"""Running a learner's program without grading it (grader/tryout.py), in real containers."""

from __future__ import annotations

import pytest

from grader.exercise import Exercise, load_exercise
from grader.intake import SubmissionRejected
from grader.runner import SandboxRunner
from grader.tryout import run_program, runnable, try_request
from tests.helpers.data import CATALOGS, EXERCISES

pytestmark = [pytest.mark.docker]
SITE = CATALOGS / "site"
NO_RUNNER = SandboxRunner.__new__(SandboxRunner)  # never reached: the request is refused first


def exercise(root: object, key: str) -> Exercise:
    folder = root / key  # type: ignore[operator]
    return load_exercise(folder, root)  # type: ignore[arg-type]


def test_what_is_run_follows_the_exercise() -> None:
    assert runnable(exercise(SITE, "python/greet")).argv == ("python3", "greet.py")  # type: ignore[union-attr]
    flask = runnable(exercise(SITE, "flask/hello"))
    assert flask is not None and flask.kind == "request" and flask.app == "app"
    assert runnable(exercise(SITE, "web/page")) is None  # a page has its preview instead
    node = runnable(exercise(EXERCISES, "node/temperature"))
    assert node is not None and node.argv == ("node", "temperature.js")


def test_a_program_reads_the_learners_input_and_its_crash_is_explained(grading_runner: SandboxRunner) -> None:
    code = b"name = input('Name? ')\nprint('Hello,', name)\nprint(10 / 0)\n"
    out = run_program(exercise(SITE, "python/greet"), {"greet.py": code}, "Ann\n", grading_runner)
    assert out.stdout == "Name? Hello, Ann\n"
    assert out.status == "error" and (out.file, out.line) == ("greet.py", 3)
    assert out.explanation == ("Your code stopped with ZeroDivisionError in greet.py on line 3: "
                               "division by zero.")
    assert "/work/" not in out.stderr and "/opt/" not in out.stderr  # only the learner's own frames


def test_a_program_that_ends_well_says_so(grading_runner: SandboxRunner) -> None:
    code = b"print('Hello, class!')\n"
    out = run_program(exercise(SITE, "python/greet"), {"greet.py": code}, "", grading_runner)
    assert (out.status, out.exit_code, out.stdout, out.explanation) == ("ok", 0, "Hello, class!\n", "")


def test_a_program_is_held_to_the_exercises_limits(grading_runner: SandboxRunner) -> None:
    greet = exercise(SITE, "python/greet")
    greet = greet.model_copy(update={"limits": greet.limits.model_copy(update={"time": 1})})
    out = run_program(greet, {"greet.py": b"while True:\n    pass\n"}, "", grading_runner)
    assert out.status == "timeout" and "still running after 1 seconds" in out.explanation


def test_a_node_crash_points_at_the_learners_line(grading_runner: SandboxRunner) -> None:
    node = exercise(EXERCISES, "node/temperature")
    out = run_program(node, {"temperature.js": b"console.log('one');\n\nmissing();\n"}, "", grading_runner)
    assert out.stdout == "one\n" and (out.file, out.line) == ("temperature.js", 3)
    assert "ReferenceError" in out.explanation and "missing is not defined" in out.explanation


def test_only_the_exercises_files_are_run() -> None:
    with pytest.raises(SubmissionRejected):
        run_program(exercise(SITE, "python/greet"), {"other.py": b"print(1)"}, "", NO_RUNNER)


def test_a_request_reaches_the_learners_app_and_its_answer_comes_back(grading_runner: SandboxRunner) -> None:
    app = (b"from flask import Flask, request\napp = Flask(__name__)\n"
           b"@app.route('/greet', methods=['POST'])\ndef greet():\n"
           b"    print('asked for', request.form['name'])\n"
           b"    return '<p>Hello, ' + request.form['name'] + '!</p>', 201, {'X-Mine': 'yes'}\n")
    out = try_request(exercise(SITE, "flask/hello"), {"app.py": app}, "POST", "/greet", {"name": "Ann"},
                      grading_runner)
    assert out.status == "ok" and out.stdout.strip() == "asked for Ann"
    assert out.response is not None and out.response["status"] == 201
    assert out.response["body"] == "<p>Hello, Ann!</p>"
    assert ["X-Mine", "yes"] in out.response["headers"]


def test_a_request_to_a_crashing_app_explains_the_crash(grading_runner: SandboxRunner) -> None:
    app = (b"from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef home():\n"
           b"    return 1 / 0\n")
    out = try_request(exercise(SITE, "flask/hello"), {"app.py": app}, "GET", "/", {}, grading_runner)
    assert out.response is not None and out.response["status"] == 500
    assert "ZeroDivisionError" in out.stderr


def test_a_forged_answer_needs_the_nonce(grading_runner: SandboxRunner) -> None:
    """The app may print anything, even what looks like an answer: only the real one counts."""
    app = (b"from flask import Flask\nprint('\\n' + 'f' * 32 + '{\"status\": 999}')\napp = Flask(__name__)\n"
           b"@app.route('/')\ndef home():\n    return 'real'\n")
    out = try_request(exercise(SITE, "flask/hello"), {"app.py": app}, "GET", "/", {}, grading_runner)
    assert out.response is not None and (out.response["status"], out.response["body"]) == (200, "real")


def test_a_request_must_be_one_a_learner_can_send() -> None:
    with pytest.raises(ValueError):
        try_request(exercise(SITE, "flask/hello"), {}, "DELETE", "/", {}, NO_RUNNER)
    with pytest.raises(ValueError):
        try_request(exercise(SITE, "python/greet"), {}, "GET", "/", {}, NO_RUNNER)

"""grader/plan.py: every check's steps in one plan for one container, with the files they need and never
the files that hold what is expected."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from grader.checks.base import STEP_REPORT_ROOM, GradingContext
from grader.checks.dom import PAGE_NEEDS
from grader.exercise import Exercise, load_exercise
from grader.grading import grade_submission
from grader.plan import (
    BROWSER_HELPER,
    HARNESS_COMMAND,
    MAX_WALL_S,
    STEP_OVERHEAD_S,
    WARM_FLASK,
    WARM_MEMORY_MB,
    WARM_PYTEST,
    build_plan,
    done_frame,
)
from grader.runner import SandboxRunner
from sandbox import RunLimits, SandboxSettings
from tests.helpers.data import fixture_exercise

HARNESS = Path(__file__).resolve().parents[2] / "grader" / "harness"

MIXED = """\
format: 1
title: Everything at once
runtime: web
files: [app.py, index.html, page.js, style.css]
limits: {time: 4, memory: 192, output: 16}
checks:
  - kind: pytest
    id: unit
    tests: [tests/test_app.py]
    timeout: 3
  - kind: io
    id: hidden-io
    run: python3 app.py
    stdin_file: tests/secret.in
    stdout_file: tests/secret.out
    hidden: true
  - kind: io
    id: inline-io
    run: python3 app.py --count
    stdin: "1 2 3"
    stdout: THE-INLINE-EXPECTATION
  - kind: script
    id: style
    run: python3 tests/check_style.py app.py
    files: [tests/rules.txt]
  - kind: node
    id: js
    tests: [tests/a.test.js, tests/b.test.js]
  - kind: dom
    id: page
    actions: [{click: "#go"}]
    expect: [{selector: "#out", text: THE-DOM-EXPECTATION}]
  - kind: http
    id: site
    app: app.py
    start_timeout: 2
    requests: [{path: /, expect: {text_contains: THE-HTTP-EXPECTATION}}]
  - kind: html
    id: structure
    assert: [{selector: h1, text: THE-HTML-EXPECTATION}]
  - kind: css
    id: colours
    mode: written
    title: Write a rule for h1
    rules: [{selector: h1, property: color, value: red}]
"""
FILES = {
    "tests/test_app.py": "def test_x(): pass\n",
    "tests/secret.in": "THE-HIDDEN-INPUT\n",
    "tests/secret.out": "THE-HIDDEN-EXPECTATION\n",
    "tests/check_style.py": "print('ok')\n",
    "tests/rules.txt": "loop\n",
    "tests/a.test.js": "",
    "tests/b.test.js": "",
    **{f"{part}/{name}": "x\n" for part in ("starter", "solution")
       for name in ("app.py", "index.html", "page.js", "style.css")},
}
SUBMISSION = {"app.py": b"print('hi')\n", "index.html": b"<h1>hi</h1>", "page.js": b"", "style.css": b""}


@pytest.fixture
def mixed(tmp_path: Path) -> Exercise:
    folder = tmp_path / "track" / "mixed"
    for name, text in FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (folder / "instructions.md").write_text("Do it all.\n")
    (folder / "exercise.yaml").write_text(MIXED)
    return load_exercise(folder)


def test_every_check_that_runs_code_has_its_steps_in_one_plan(mixed: Exercise) -> None:
    plan = build_plan(GradingContext(mixed, SUBMISSION), RunLimits())
    assert [(step.id, step.action, step.timeout_s) for step in plan.steps] == [
        ("unit", "pytest", 3.0),
        ("inline-io", "exec", 4.0),
        ("style", "script", 4.0),
        ("js:0", "node-test", 4.0),
        ("js:1", "node-test", 4.0),
        ("page", "dom", 4.0),
        ("site", "http", 6.0),  # its time plus the time the app may take to start
        ("hidden-io", "exec", 4.0),  # hidden checks last: nothing learnt there reaches a visible one
    ]
    assert plan.run_spec("img").prelaunch == BROWSER_HELPER  # the one browser of every page step
    steps = {step.id: step for step in plan.steps}
    assert steps["unit"].params == {
        "tests": ["tests/test_app.py"], "learner_files": ["app.py", "index.html", "page.js", "style.css"],
    }
    assert steps["hidden-io"].params == {"argv": ["python3", "app.py"], "stdin": "THE-HIDDEN-INPUT\n"}
    assert steps["style"].params == {"argv": ["python3", "/checks/tests/check_style.py", "app.py"]}
    assert steps["js:1"].params == {"test": "tests/b.test.js", "learner_files": list(SUBMISSION)}
    assert steps["site"].params["app"] == "app"


def test_the_learners_files_go_to_work_and_each_checks_files_to_its_own_steps(mixed: Exercise) -> None:
    plan = build_plan(GradingContext(mixed, SUBMISSION), RunLimits())
    assert plan.files == SUBMISSION  # /work holds the learner's files only
    tests = {path: FILES[path].encode() for path in FILES}
    assert plan.step_files == {
        "page": {},
        "unit": {"checks": {"tests/test_app.py": tests["tests/test_app.py"]}},
        "hidden-io": {},
        "inline-io": {},
        "style": {"checks": {"tests/check_style.py": tests["tests/check_style.py"],
                             "tests/rules.txt": b"loop\n"}},
        "js:0": {"checks": {"tests/a.test.js": b"", "tests/b.test.js": b""}},
        "js:1": {"checks": {"tests/a.test.js": b"", "tests/b.test.js": b""}},
        "site": {},
    }
    sent = {step["id"]: step["files"] for step in json.loads(plan.run_spec("img").stdin)["steps"]}
    assert sent["style"] == {"checks": {"tests/check_style.py": "cHJpbnQoJ29rJykK",
                                        "tests/rules.txt": "bG9vcAo="}}


def test_a_hidden_checks_files_are_in_its_own_step_only() -> None:
    exercise = fixture_exercise("pytest/shout")
    plan = build_plan(GradingContext(exercise, exercise.read_solution()), RunLimits())
    assert [(step.id, step.action) for step in plan.steps] == [("unit", "pytest"), ("hidden-unit", "pytest")]
    assert list(plan.step_files["unit"]["checks"]) == ["tests/test_shout.py"]
    assert list(plan.step_files["hidden-unit"]["checks"]) == ["tests/test_more.py"]


def test_page_files_go_beside_the_learners(mixed: Exercise) -> None:
    """A dom or browser check's `files` are for the learner's page to load: in /work, for its steps."""
    page = mixed.checks[5].model_copy(update={"files": ("tests/rules.txt",)})
    exercise = mixed.model_copy(update={"checks": (page,)})
    plan = build_plan(GradingContext(exercise, SUBMISSION), RunLimits())
    assert plan.step_files == {"page": {"work": {"tests/rules.txt": b"loop\n"}}}


def test_no_expectation_ever_enters_the_container(mixed: Exercise) -> None:
    spec = build_plan(GradingContext(mixed, SUBMISSION), RunLimits()).run_spec("sha256:image")
    payload = spec.stdin + b"".join(spec.files.values()) + b"".join(p.encode() for p in spec.files)
    for secret in ("tests/secret.out", "HIDDEN-EXPECTATION", "INLINE-EXPECTATION", "DOM-EXPECTATION",
                   "HTTP-EXPECTATION", "HTML-EXPECTATION", "solution/"):
        assert secret.encode() not in payload, secret


def test_an_io_expected_output_file_stays_on_the_host() -> None:
    exercise = fixture_exercise("io/stats")
    plan = build_plan(GradingContext(exercise, {"stats.py": b"print(1)\n"}), RunLimits())
    assert exercise.checks[2].expectation_files() == ("tests/lines.in", "tests/lines.out")
    assert sorted(plan.files) == ["stats.py"]
    assert [step.params["stdin"] for step in plan.steps][2] == "7\n8\n\n9\n"  # input goes in, by value
    assert b"mean: 8.0" not in plan.run_spec("img").stdin


def test_the_run_spec_carries_the_plan_to_the_harness(mixed: Exercise) -> None:
    plan = build_plan(GradingContext(mixed, SUBMISSION), RunLimits(cpus=0.5, pids=99))
    spec = plan.run_spec("sha256:image")
    sent = json.loads(spec.stdin)
    assert spec.image == "sha256:image"
    assert tuple(spec.command) == HARNESS_COMMAND and spec.as_grader
    assert spec.done_marker == done_frame(plan.nonce)
    assert sent["nonce"] == plan.nonce and len(plan.nonce) == 32
    assert [step["id"] for step in sent["steps"]] == [step.id for step in plan.steps]
    assert {step["output_cap"] for step in sent["steps"]} == {16 * 1024}  # the exercise's output limit
    limits = spec.limits
    # the browser's needs, and its memory on top of the exercise's (it stays up beside the other steps),
    # and the warm spawner's, which keeps pytest and Flask imported for the test and http steps
    assert spec.warm == WARM_PYTEST + WARM_FLASK
    memory = 192 + PAGE_NEEDS.memory_mb + WARM_MEMORY_MB
    assert (limits.memory_mb, limits.cpus, limits.pids) == (memory, 0.5, PAGE_NEEDS.pids)
    assert limits.wall_s == pytest.approx(sum(s.timeout_s + STEP_OVERHEAD_S for s in plan.steps) + 2.0)
    # room for every step's frame at its worst: both streams full of bytes JSON escapes, and a report
    assert limits.output_bytes >= len(plan.steps) * (2 * 6 * 16 * 1024 + STEP_REPORT_ROOM)


def test_every_plan_has_its_own_nonce(mixed: Exercise) -> None:
    ctx = GradingContext(mixed, SUBMISSION)
    assert build_plan(ctx, RunLimits()).nonce != build_plan(ctx, RunLimits()).nonce


def test_the_wall_clock_is_capped() -> None:
    exercise = fixture_exercise("pytest/shout")
    many = exercise.model_copy(update={"checks": exercise.checks * 40})
    assert build_plan(GradingContext(many, {}), RunLimits()).limits.wall_s == MAX_WALL_S


class NoSandbox(SandboxRunner):
    def get(self):  # type: ignore[no-untyped-def]
        raise AssertionError("html and css checks must not need a container")


@pytest.mark.parametrize(("key", "score"), [("css/golden-sheet", 10.0), ("html/golden-page", 10.0)])
def test_html_and_written_css_plan_nothing_and_grade_without_a_container(key: str, score: float) -> None:
    """Checks of the page's text are judged on the host; a css check in mode: applied (css/card) needs
    the browser, so it has a step (its golden cases are in tests/data/golden/css)."""
    exercise = fixture_exercise(key)
    files = {name: (exercise.folder / "solution" / name).read_bytes() for name in exercise.files}
    assert build_plan(GradingContext(exercise, files), RunLimits()).steps == ()
    result = grade_submission(exercise, files, NoSandbox(SandboxSettings()))
    assert (result.status, result.score, result.provenance and result.provenance.image) == ("pass", score, "")


def test_a_plan_without_a_page_step_prelaunches_nothing() -> None:
    exercise = fixture_exercise("python/two-fer")
    plan = build_plan(GradingContext(exercise, exercise.read_solution()), RunLimits())
    assert plan.steps and plan.run_spec("img").prelaunch == ()


def test_the_browser_the_plan_prelaunches_is_the_one_the_harness_starts() -> None:
    spec = importlib.util.spec_from_file_location("harness_chromium", HARNESS / "chromium.py")
    assert spec is not None and spec.loader is not None
    chromium = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chromium)
    assert chromium.LAUNCH == BROWSER_HELPER


def test_steps_name_the_learners_program_they_run_for_the_time_budget(mixed: Exercise) -> None:
    """Two steps that run the same program share a name: once one ran out of time, the harness does not
    run the other. An instructor's script runs the learner's programs with limits of its own."""
    plan = build_plan(GradingContext(mixed, SUBMISSION), RunLimits())
    programs = {step["id"]: step["program"] for step in json.loads(plan.run_spec("img").stdin)["steps"]}
    assert programs["style"] is None
    assert programs["inline-io"] != programs["hidden-io"]  # other arguments: another program
    assert programs["js:0"] == programs["js:1"] != programs["unit"]
    assert programs["page"] == "page index.html"
    twice = mixed.model_copy(update={"checks": (mixed.checks[1], mixed.checks[1].model_copy(
        update={"id": "again", "stdin": "other input"}))})
    again = {step["id"]: step["program"] for step in json.loads(
        build_plan(GradingContext(twice, SUBMISSION), RunLimits()).run_spec("img").stdin)["steps"]}
    assert again["hidden-io"] == again["again"]  # the same program with other input: the same program


def test_test_steps_name_their_tests_so_a_loop_in_one_function_costs_only_its_tests(mixed: Exercise) -> None:
    """Two test files that load the same program are two runs: when the first one's tests had loaded it
    before time ran out, the second still runs (another function may well finish)."""
    plan = build_plan(GradingContext(mixed, SUBMISSION), RunLimits())
    tests = {step["id"]: step["tests"] for step in json.loads(plan.run_spec("img").stdin)["steps"]}
    assert tests["js:0"] == '"tests/a.test.js"' and tests["js:1"] == '"tests/b.test.js"'
    assert tests["unit"] is not None and tests["unit"] != tests["js:0"]
    assert tests["inline-io"] is None and tests["page"] is None

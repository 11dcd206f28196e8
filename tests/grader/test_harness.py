"""The in-sandbox harness (grader/harness/), run for real in the runner image with hand-made plans:
each action, the caps it enforces, and the clean slate every step starts from."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from grader.checks.base import Step, StepOutput
from grader.frames import RunEnding, parse_frames
from grader.plan import GradingPlan, warm_modules
from grader.runner import SandboxRunner
from sandbox import RunLimits

pytestmark = pytest.mark.docker


def as_bytes(files: Mapping[str, str | bytes] | None) -> dict[str, bytes]:
    return {path: text.encode() if isinstance(text, str) else text for path, text in (files or {}).items()}


def run_plan(
    runner: SandboxRunner,
    steps: Sequence[tuple[str, str, Mapping[str, Any]]],
    files: Mapping[str, str | bytes] | None = None,
    *,
    checks: Mapping[str, str | bytes] | None = None,
    step_checks: Mapping[str, Mapping[str, str | bytes]] | None = None,
    timeout_s: float = 10.0,
    memory_mb: int = 256,
    step_output: int = 64 * 1024,
    warm: bool = True,
) -> dict[str, StepOutput]:
    """Run `steps` (id, action, params) through the harness in one fresh container: `files` are the
    learner's (in /work), `checks` every step's test files (in /checks). `warm`: with the warm spawner
    the plan asks for (else the harness starts every program itself, as when the spawner is gone)."""
    sandbox, image = runner.get()
    plan_steps = tuple(
        Step(step_id, action, params, timeout_s) for step_id, action, params in steps  # type: ignore[arg-type]
    )
    pages = any(action in ("dom", "browser") for _, action, _ in steps)  # the browser's needs (plan.py)
    limits = RunLimits(wall_s=timeout_s * len(steps) + 10, memory_mb=max(memory_mb, 512 if pages else 0),
                       pids=256 if pages else 64, nofile=1024 if pages else 256,
                       output_bytes=16 * 1024 * 1024)
    step_files = {step.id: {"checks": as_bytes(checks)} for step in plan_steps} if checks else {}
    for step_id, own in (step_checks or {}).items():
        step_files[step_id] = {"checks": as_bytes(own)}
    plan = GradingPlan(plan_steps, as_bytes(files), secrets.token_hex(16), limits, step_output,
                       warm=warm_modules(list(plan_steps)) if warm else (), step_files=step_files)
    result = sandbox.run(plan.run_spec(image))
    ending = RunEnding(result.timed_out, result.oom_killed)
    frames = parse_frames(result.stdout_text(), plan.nonce, plan_steps, ending)
    assert frames.started, result.stderr_text()
    return frames.outputs


def python(code: str, stdin: str = "", **extra: Any) -> tuple[str, str, dict[str, Any]]:
    return ("py", "exec", {"argv": ["python3", "-c", code], "stdin": stdin, **extra})


def named(step_id: str, step: tuple[str, str, dict[str, Any]]) -> tuple[str, str, dict[str, Any]]:
    return (step_id, step[1], step[2])


# --- exec: the child process, its streams, its exit ------------------------------------------------


def test_exec_passes_stdin_and_keeps_the_exit_code(grading_runner: SandboxRunner) -> None:
    code = (
        "import os, sys\n"
        "print(input()[::-1])\n"
        "print(os.getcwd(), os.environ['HOME'], file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    outputs = run_plan(grading_runner, [named(f"s{i}", python(code, "olleh\n")) for i in range(5)])
    for output in outputs.values():  # several times: the exit code must never be lost to a race
        assert (output.status, output.exit_code) == ("ok", 3)
        assert (output.stdout, output.stderr) == ("hello\n", "/work /tmp\n")


def test_a_crash_keeps_its_exit_code_and_traceback(grading_runner: SandboxRunner) -> None:
    outputs = run_plan(grading_runner, [python("1 / 0")])
    assert (outputs["py"].status, outputs["py"].exit_code) == ("ok", 1)
    assert outputs["py"].stderr.rstrip().endswith("ZeroDivisionError: division by zero")


def test_a_program_that_cannot_start(grading_runner: SandboxRunner) -> None:
    outputs = run_plan(grading_runner, [("x", "exec", {"argv": ["no-such-program"]})])
    assert outputs["x"].exit_code == 127
    assert outputs["x"].stderr.startswith("cannot start no-such-program:")


def test_the_time_limit_kills(grading_runner: SandboxRunner) -> None:
    outputs = run_plan(grading_runner, [python("while True: pass"), named("after", python("print('ok')"))],
                       timeout_s=1.0)
    assert (outputs["py"].status, outputs["py"].exit_code) == ("timeout", -9)
    assert 1.0 <= outputs["py"].duration_s < 2.5
    assert outputs["after"].stdout == "ok\n"  # the next step still runs


def test_the_output_cap_kills(grading_runner: SandboxRunner) -> None:
    outputs = run_plan(grading_runner, [python("while True: print('x' * 100)")], step_output=4096)
    assert outputs["py"].status == "output"
    assert len(outputs["py"].stdout) == 4096


def test_the_memory_limit_kills_the_learner_not_the_harness(grading_runner: SandboxRunner) -> None:
    grow = "keep = []\nwhile True:\n    keep.append(bytearray(1 << 20))\n"
    outputs = run_plan(grading_runner, [python(grow), named("after", python("print('ok')"))], memory_mb=96)
    assert (outputs["py"].status, outputs["py"].exit_code) == ("memory", -9)
    assert outputs["after"].stdout == "ok\n"


def test_a_script_runs_as_the_grader_with_its_verdict_on_fd_3(grading_runner: SandboxRunner) -> None:
    code = ("import os; os.write(int(os.environ['GRADER_VERDICT_FD']), b'{\"status\": \"pass\"}'); "
            "print(os.getuid(), open('/checks/tests/data.txt').read())")
    script = ("script", "script", {"argv": ["python3", "-c", code]})
    learner = named("no-fd", python("import os; os.write(3, b'x')"))
    outputs = run_plan(grading_runner, [script, learner], checks={"tests/data.txt": "data"})
    assert (outputs["script"].report, outputs["script"].stdout) == ('{"status": "pass"}', "61001 data\n")
    assert "Bad file descriptor" in outputs["no-fd"].stderr  # a learner's program never gets fd 3


def test_a_script_runs_the_learners_programs_as_the_learner(grading_runner: SandboxRunner) -> None:
    code = (
        "import learner, os\n"
        "done = learner.run(['python3', 'hello.py'], stdin='Ada\\n', timeout=5)\n"
        "late = learner.run(['python3', '-c', 'while True: pass'], timeout=0.5)\n"
        "print(done.exit_code, repr(done.stdout), late.timed_out, late.exit_code)\n"
    )
    hello = "import os\nprint('hello', input(), os.getuid(), sorted(os.listdir('/proc/self/fd')))\n"
    outputs = run_plan(grading_runner, [("script", "script", {"argv": ["python3", "-c", code]})],
                       {"hello.py": hello})
    expected = "0 \"hello Ada 61000 ['0', '1', '2', '3']\\n\" True -9\n"
    assert outputs["script"].stdout == expected, outputs["script"]


# --- every step on a clean slate ------------------------------------------------------------------


def test_every_step_starts_from_the_pristine_files(grading_runner: SandboxRunner) -> None:
    vandal = (
        "import os\n"
        "open('/work/data.txt', 'w').write('changed')\n"
        "open('/work/new.txt', 'w').write('planted')\n"
        "open('/tmp/left.txt', 'w').write('planted')\n"
        "os.makedirs('/work/sub/deeper', exist_ok=True)\n"
        "os.chmod('/work/sub', 0)\n"
    )
    look = "import os; print(sorted(os.listdir('/work')), os.listdir('/tmp'), open('/work/data.txt').read())"
    outputs = run_plan(grading_runner, [named("vandal", python(vandal)), named("look", python(look))],
                       {"data.txt": "original"})
    assert outputs["vandal"].exit_code == 0, outputs["vandal"].stderr
    assert outputs["look"].stdout == "['data.txt'] [] original\n"


def test_nothing_a_step_started_survives_it(grading_runner: SandboxRunner) -> None:
    daemon = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(60)\n"
    )
    others = (
        "import os\n"
        "me, parent = os.getpid(), os.getppid()\n"
        "pids = [int(p) for p in os.listdir('/proc') if p.isdigit()]\n"
        "print(sorted(open(f'/proc/{p}/comm').read().strip() for p in pids if p not in (1, me, parent)))\n"
    )
    outputs = run_plan(grading_runner, [named("daemon", python(daemon)), named("others", python(others))])
    assert outputs["others"].stdout == "[]\n"


LIST_CHECKS = (
    "import os\n"
    "found = [os.path.join(folder, name) for folder, _, names in os.walk('/checks') for name in names]\n"
    "print(sorted(os.path.relpath(path, '/checks') for path in found))\n"
    "open('/tmp/left-by-the-grader', 'w').write('x')\n"
    "os.system('sleep 60 &')\n"
)


def test_each_step_sees_its_own_check_files_only(grading_runner: SandboxRunner) -> None:
    """A step's test files are in /checks while it runs, and only its; what a step of the grader uid
    left (files, a process) is gone as well as what the learner's did."""
    look = "import os; print(os.listdir('/tmp'), len([p for p in os.listdir('/proc') if p.isdigit()]))"
    steps = [("first", "script", {"argv": ["python3", "-c", LIST_CHECKS]}),
             ("second", "script", {"argv": ["python3", "-c", LIST_CHECKS]}),
             ("learner", "exec", {"argv": ["python3", "-c", "__import__('os').listdir('/checks')"]}),
             ("look", "script", {"argv": ["python3", "-c", look]})]
    outputs = run_plan(grading_runner, steps, step_checks={
        "first": {"tests/one.py": "1"}, "second": {"tests/two.py": "2", "data/x.txt": "x"}})
    assert outputs["first"].stdout == "['tests/one.py']\n"
    assert outputs["second"].stdout == "['data/x.txt', 'tests/two.py']\n"
    assert "PermissionError: [Errno 13] Permission denied: '/checks'" in outputs["learner"].stderr
    assert outputs["look"].stdout == "[] 3\n"  # PID 1, the harness, this program


def test_a_child_cannot_learn_the_nonce(grading_runner: SandboxRunner) -> None:
    snoop = (
        "import os\n"
        "parent = os.getppid()\n"
        "for name in ('environ', 'cmdline', 'fd/0', 'fd/1', 'mem'):\n"
        "    try:\n"
        "        print(name, open(f'/proc/{parent}/{name}', 'rb').read(4096))\n"
        "    except OSError as error:\n"
        "        print(name, type(error).__name__)\n"
        "print(dict(os.environ))\n"
    )
    sandbox, image = grading_runner.get()
    step = Step("snoop", "exec", python(snoop)[2], 5.0)
    plan = GradingPlan((step,), {}, secrets.token_hex(16), RunLimits(wall_s=15))
    result = sandbox.run(plan.run_spec(image))
    output = parse_frames(result.stdout_text(), plan.nonce, (step,), RunEnding(False, False)).outputs["snoop"]
    assert output.exit_code == 0, output.stderr
    assert plan.nonce not in output.stdout + output.stderr
    assert "fd/1 PermissionError" in output.stdout


# --- the other actions ------------------------------------------------------------------------------


WARM_OR_NOT = pytest.mark.parametrize("warm", [True, False], ids=["spawned", "forked"])


@WARM_OR_NOT
def test_pytest_reports_each_test_on_fd_3(grading_runner: SandboxRunner, warm: bool) -> None:
    files = {"calc.py": "def add(a, b):\n    return a - b\n"}
    checks = {
        "tests/test_calc.py": (
            "import pytest\nfrom calc import add\n\n"
            "def test_zero():\n    assert add(0, 0) == 0\n\n"
            "def test_two():\n    assert add(1, 1) == 2\n\n"
            "@pytest.fixture\ndef broken():\n    raise RuntimeError('no')\n\n"
            "def test_fixture(broken):\n    pass\n"
        ),
    }
    params = {"tests": ["tests/test_calc.py"], "learner_files": ["calc.py"]}
    output = run_plan(grading_runner, [("unit", "pytest", params)], files, checks=checks, warm=warm)["unit"]
    events = [json.loads(line) for line in output.report.splitlines()]
    assert events[0] == {"event": "collected", "tests": [
        "tests/test_calc.py::test_zero", "tests/test_calc.py::test_two", "tests/test_calc.py::test_fixture",
    ]}
    tests = [e for e in events if e["event"] == "test"]
    outcomes = [(e["nodeid"].split("::")[1], e["outcome"], e["where"]) for e in tests]
    assert outcomes == [
        ("test_zero", "passed", None),
        ("test_two", "failed", None),
        ("test_fixture", "error", None),
    ]
    assert events[-1] == {"event": "finished"}
    assert output.exit_code == 1  # pytest's own: some tests failed


def test_pytest_points_at_the_learners_line(grading_runner: SandboxRunner) -> None:
    files = {"calc.py": "def add(a, b):\n    total = a\n    return total + b.value\n"}
    checks = {"tests/test_calc.py": "from calc import add\n\ndef test_it():\n    assert add(1, 2) == 3\n"}
    params = {"tests": ["tests/test_calc.py"], "learner_files": ["calc.py"]}
    output = run_plan(grading_runner, [("unit", "pytest", params)], files, checks=checks)["unit"]
    test = next(json.loads(line) for line in output.report.splitlines() if '"test"' in line)
    assert test["where"] == {"file": "calc.py", "line": 3}
    assert test["message"] == "AttributeError: 'int' object has no attribute 'value'"


def test_node_reporter_sends_every_test_and_the_plan(grading_runner: SandboxRunner) -> None:
    files = {"tests/t.test.js": (
        "const { test, describe } = require('node:test');\n"
        "const assert = require('node:assert');\n"
        "describe('group', () => { test('inner', () => assert.equal(1, 2)); });\n"
        "test('top', () => {});\n"
        "test('todo', { todo: true }, () => {});\n"
    )}
    output = run_plan(grading_runner, [("js", "node-test", {"test": "tests/t.test.js"})], checks=files)["js"]
    events = [json.loads(line) for line in output.report.splitlines()]
    tests = [(e["name"], e["nesting"], e["outcome"]) for e in events if e["event"] == "test"]
    assert tests == [
        ("inner", 1, "failed"), ("group", 0, "failed"), ("top", 0, "passed"), ("todo", 0, "skipped"),
    ]
    assert {"event": "plan", "nesting": 0, "count": 3} in events
    inner = next(e for e in events if e.get("name") == "inner")
    assert inner["message"] == "1 == 2"


def test_node_programs_start_from_the_images_snapshot(grading_runner: SandboxRunner) -> None:
    """The tests' process and the learner's server start from /opt/harness/node.blob, built into the
    image (grader/runner_image.py)."""
    files = {"tests/t.test.js": (
        "const { test } = require('node:test');\n"
        "const assert = require('node:assert');\n"
        "test('snapshot', () => {\n"
        "  assert.deepEqual(process.execArgv.slice(0, 2), ['--snapshot-blob', '/opt/harness/node.blob']);\n"
        "  assert.equal(require('../mine.js').argv, '--snapshot-blob /opt/harness/node.blob');\n"
        "});\n"
    )}
    learner = {"mine.js": (
        "module.exports = { argv: process.execArgv.join(' ') };\n"
    )}
    params = {"test": "tests/t.test.js", "learner_files": ["mine.js"]}
    output = run_plan(grading_runner, [("js", "node-test", params)], learner, checks=files)["js"]
    events = [json.loads(line) for line in output.report.splitlines()]
    assert [(e["name"], e["outcome"], e["message"]) for e in events if e["event"] == "test"] == [
        ("snapshot", "passed", "")]


PAGE = """<!doctype html><title>t</title>
<input id="name"><button id="go">Go</button><p id="out"></p>
<form id="f"><input id="q"></form><p id="sent"></p>
<script>
document.querySelector('#go').addEventListener('click', () => {
  document.querySelector('#out').textContent = 'Hi ' + document.querySelector('#name').value;
});
document.querySelector('#f').addEventListener('submit', (e) => {
  e.preventDefault();
  document.querySelector('#sent').textContent = document.querySelector('#q').value;
});
window.addEventListener('load', () => { missing.call(); });
</script>"""


def test_dom_acts_on_the_page_and_reports_it(grading_runner: SandboxRunner) -> None:
    actions = [{"fill": "#name", "value": "Ada"}, {"click": "#go"}, {"fill": "#q", "value": "x"},
               {"submit": "#q"}, {"wait": 10}, {"click": "#nothing"}, {"click": "#go"}]
    params = {"page": "index.html", "actions": actions, "budget_s": 9.0}
    output = run_plan(grading_runner, [("dom", "dom", params)], {"index.html": PAGE})["dom"]
    report = json.loads(output.report)
    assert '<p id="out">Hi Ada</p>' in report["html"]
    assert '<p id="sent">x</p>' in report["html"]
    assert report["action_errors"] == [
        "No element on the page matches `#nothing`, so it could not be used (click)."
    ]
    assert len(report["errors"]) == 1 and "missing is not defined" in report["errors"][0]


def test_dom_a_page_that_is_not_there(grading_runner: SandboxRunner) -> None:
    params = {"page": "index.html", "actions": [], "budget_s": 9.0}
    report = json.loads(run_plan(grading_runner, [("dom", "dom", params)])["dom"].report)
    assert report["fatal"] == "page" and "ERR_FILE_NOT_FOUND" in report["detail"]


FLASK_APP = """\
from flask import Flask, jsonify, redirect, request, session
app = Flask(__name__)
app.secret_key = "test"

@app.get("/")
def home():
    return f"visits: {session.get('n', 0)}"

@app.post("/count")
def count():
    session["n"] = session.get("n", 0) + int(request.form["by"])
    return redirect("/")

@app.post("/echo")
def echo():
    return jsonify(request.get_json())
"""


def http_step(requests: list[dict[str, Any]], **params: Any) -> tuple[str, str, dict[str, Any]]:
    return ("site", "http", {"app": "app", "static": False, "port": 5000, "start_timeout": 5,
                             "requests": requests, **params})


@WARM_OR_NOT
def test_http_talks_to_the_learners_flask_app_with_cookies(grading_runner: SandboxRunner, warm: bool) -> None:
    requests = [
        {"method": "POST", "path": "/count", "form": {"by": "2"}, "headers": {}, "follow_redirects": False},
        {"method": "POST", "path": "/count", "form": {"by": "3"}, "headers": {}, "follow_redirects": True},
        {"method": "POST", "path": "/echo", "json": {"a": [1]}, "headers": {}, "follow_redirects": False},
    ]
    output = run_plan(grading_runner, [http_step(requests)], {"app.py": FLASK_APP}, warm=warm)["site"]
    report = json.loads(output.report)
    assert report["listening"] is True
    first, second, echo = report["responses"]
    assert (first["status"], dict(first["headers"])["Location"]) == (302, "/")
    assert (second["status"], second["body"], second["url"]) == (200, "visits: 5", "/")
    assert (echo["status"], json.loads(echo["body"])) == (200, {"a": [1]})


@WARM_OR_NOT
def test_http_an_app_that_crashes_at_start(grading_runner: SandboxRunner, warm: bool) -> None:
    files = {"app.py": "import flask\nboom()\n"}
    output = run_plan(grading_runner, [http_step([{"path": "/"}])], files, warm=warm)["site"]
    assert json.loads(output.report) == {"listening": False, "responses": []}
    assert 'File "/work/app.py", line 2' in output.stderr
    assert "runpy" not in output.stderr and output.exit_code == 1  # as `python3 serve_flask.py` ends
    assert output.duration_s < 4  # the harness saw it exit: it did not wait for the start timeout


def test_http_serves_static_files(grading_runner: SandboxRunner) -> None:
    step = http_step([{"path": "/page.html", "headers": {}}], app=None, static=True)
    output = run_plan(grading_runner, [step], {"page.html": "<h1>hello</h1>"})["site"]
    response = json.loads(output.report)["responses"][0]
    assert (response["status"], response["body"]) == (200, "<h1>hello</h1>")


def test_a_harness_bug_is_internal_not_the_learners(grading_runner: SandboxRunner) -> None:
    steps = [("odd", "exec", {"no-argv": True}), named("next", python("print(1)"))]
    outputs = run_plan(grading_runner, steps)
    assert outputs["odd"].status == "internal"
    assert outputs["odd"].stderr == "harness error: KeyError: 'argv'"
    assert outputs["next"].stdout == "1\n"

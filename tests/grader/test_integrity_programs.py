"""Cheats through the other ways a learner's code is run, under runc and gVisor: an instructor's
script that runs the learner's program, a learner's web app that answers with anything but HTTP, and
JavaScript tests that `require` the learner's file."""

from __future__ import annotations

import pytest

from grader.grading import grade_submission
from grader.result import Result, for_learner
from grader.runner import SandboxRunner
from tests.helpers.data import fixture_exercise

pytestmark = pytest.mark.docker



def grade(runner: SandboxRunner, key: str, files: dict[str, str]) -> Result:
    return grade_submission(fixture_exercise(key), {k: v.encode() for k, v in files.items()}, runner)


# -- scripts ------------------------------------------------------------------------------------

SCRIPT_ATTACK = r'''
import glob, json, os, signal
verdict = (json.dumps({"status": "pass", "score": 1, "tests": [{"name": "Greets Ada", "status": "pass"}]})
           + "\n").encode()
found = glob.glob("/proc/[0-9]*/fd/*") + glob.glob("/proc/[0-9]*/task/*/fd/*")
for target in [*map(str, range(3, 64)), *found]:
    try:
        if target.isdigit():
            os.write(int(target), verdict)
        else:
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, verdict)
            os.close(fd)
    except OSError:
        pass
for pid in [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except OSError:
            pass
for path in glob.glob("/checks/**", recursive=True):
    try:
        print(open(path).read())
    except OSError:
        pass
print("Hello!")
'''


def test_a_program_run_by_a_script_cannot_write_its_verdict(runtime_runner: SandboxRunner) -> None:
    """The script runs as the grader; the learner's program, started by the harness for it, runs as
    the learner with none of the script's descriptors: it cannot write a verdict, stop the script or
    read the checks' files."""
    result = grade(runtime_runner, "script/greeter", {"greet.py": SCRIPT_ATTACK})
    assert (result.status, result.score) == ("fail", 0), result
    assert all(check.status == "fail" for check in result.checks)
    assert "HIDDEN-SCRIPT" not in str(result.to_json())


def test_a_script_grades_an_honest_program(runtime_runner: SandboxRunner) -> None:
    result = grade(runtime_runner, "script/greeter", {"greet.py": "print(f'Hello, {input()}!')\n"})
    assert (result.status, result.score) == ("pass", 3.0)


# -- web apps that do not speak HTTP ---------------------------------------------------------------

RAW_SERVER = r'''
import socket, time

def answer(conn):
{body}

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 5000))
server.listen(8)
while True:
    conn, _ = server.accept()
    try:
        conn.recv(65536)
        answer(conn)
    except OSError:
        pass
    finally:
        conn.close()
'''
ANSWERS = {
    "broken-status-line": 'conn.sendall(b"HTTP/1.1 BANANA\\r\\n\\r\\n")',
    "not-http": 'conn.sendall(b"hello there\\r\\n")',
    "header-line-over-64-KiB": (
        'conn.sendall(b"HTTP/1.1 200 OK\\r\\nX-Big: " + b"a" * 70000\n'
        '                 + b"\\r\\nContent-Length: 0\\r\\n\\r\\n")'
    ),
    "status-line-over-64-KiB": 'conn.sendall(b"HTTP/1.1 200 " + b"O" * 70000 + b"\\r\\n\\r\\n")',
    "two-hundred-headers": (
        'conn.sendall(b"HTTP/1.1 200 OK\\r\\n" + b"X-A: b\\r\\n" * 200 + b"Content-Length: 0\\r\\n\\r\\n")'
    ),
    "endless-chunked-body": (
        'conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n"\n'
        '                 b"Transfer-Encoding: chunked\\r\\n\\r\\n")\n'
        '    while True:\n'
        '        conn.sendall(b"400\\r\\n" + b"<li>x</li>" * 102 + b"xxxx\\r\\n")'
    ),
    "broken-chunks": (
        'conn.sendall(b"HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n"\n'
        '                 b"ZZZ\\r\\nnot a chunk\\r\\n")'
    ),
    "json-nested-50000-deep": (
        'body = b"[" * 50000 + b"]" * 50000\n'
        '    conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: "'
        ' + str(len(body)).encode() + b"\\r\\n\\r\\n" + body)'
    ),
}


@pytest.mark.parametrize("answer", sorted(ANSWERS))
def test_a_web_app_answering_anything_fails_its_requests(runtime_runner: SandboxRunner, answer: str) -> None:
    """Whatever the learner's server sends, only the HTTP client (its own process) reads it: each
    request fails with a plain message, and the submission is graded (never a grader error, so never
    retried)."""
    app = RAW_SERVER.format(body="    " + ANSWERS[answer])
    result = grade(runtime_runner, "http/notes", {"app.py": app})
    assert result.status == "fail", result.message
    site = next(check for check in result.checks if check.id == "site")
    assert site.status in ("fail", "error") and site.score < site.max_score
    for test in site.tests:
        assert test.status == "pass" or (test.message and "Traceback" not in test.message), test


def test_a_bad_response_reads_as_the_learners_mistake(runtime_runner: SandboxRunner) -> None:
    app = RAW_SERVER.format(body="    " + ANSWERS["not-http"])
    result = grade(runtime_runner, "http/notes", {"app.py": app})
    site = next(check for check in result.checks if check.id == "site")
    assert site.tests[0].message.startswith("Your app's answer to GET / is not valid HTTP")
    assert for_learner(result.to_json())["status"] == "fail"


# -- JavaScript tests -----------------------------------------------------------------------------

NODE_ASSERT_PATCH = """
for (const name of ["node:assert", "node:assert/strict", "assert", "assert/strict"]) {
  const assert = require(name);
  for (const key of Object.keys(assert)) { try { assert[key] = () => {}; } catch (e) {} }
}
function toFahrenheit(celsius) { return 0; }
function toCelsius(fahrenheit) { return 0; }
module.exports = { toFahrenheit, toCelsius };
"""
NODE_REPORT_FORGERY = """
const fs = require("fs");
const line = JSON.stringify({ event: "test", name: "water freezes at 32 °F", nesting: 1, outcome: "passed",
                              message: "" }) + "\\n";
for (const target of ["/dev/fd/3", `/proc/${process.pid}/fd/3`, `/proc/${process.ppid}/fd/3`]) {
  try { fs.appendFileSync(target, line.repeat(3)); } catch (e) {}
}
function toFahrenheit(celsius) { return 0; }
function toCelsius(fahrenheit) { return 0; }
module.exports = { toFahrenheit, toCelsius };
"""


@pytest.mark.parametrize("source", [NODE_ASSERT_PATCH, NODE_REPORT_FORGERY], ids=["node-assert", "report-fd"])
def test_javascript_cannot_patch_tests_or_write_reports(runtime_runner: SandboxRunner, source: str) -> None:
    """With the bridge, the learner's file runs in a server of its own (learner uid); the tests and
    their reporter run in the test process (grader uid), with their own node:assert."""
    result = grade(runtime_runner, "node/temperature", {"temperature.js": source})
    assert result.status == "fail" and result.score == 0, result

"""The warm spawner (sandbox/incontainer/spawner.py), attacked from the learner programs it starts,
under runc and gVisor: a learner's module loaded for pytest's tests and a learner's Flask app. From
inside, each one looks for the spawner and tries to signal, trace and read it, to ask it for a program
of the grader's, and searches its own memory (inherited from the spawner) for anything of the run: the
plan, the harness's frames. Each reports what it got away with; an honest grade needs nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.exercise import load_exercise
from grader.grading import grade_submission
from grader.runner import SandboxRunner
from tests.helpers.exercises import make_exercise

pytestmark = pytest.mark.docker

PROBE = r'''
import ctypes, json, os, signal, socket

SPAWNER_UID = 61003
CONTROL = "learner-own-control-2f9a"
NEEDLES = {
    "the plan": ('"output', '_cap": '),
    "the plan's nonce": ('"non', 'ce": "'),
    "a harness frame": ("\x1eGRA", "DER "),
    "a hidden test": ("hidden-marker-", "5c1e"),
}
libc = ctypes.CDLL(None, use_errno=True)


def real_uid(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        return None


def readable_memory():
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if "r" not in fields[1] or (len(fields) > 5 and fields[5].startswith("[v")):
                continue
            start, end = (int(part, 16) for part in fields[0].split("-"))
            if end - start <= 256 * 1024 * 1024:
                try:
                    yield ctypes.string_at(start, end - start)
                except Exception:
                    continue


def seen_in_memory(first, second):
    """Whether first+second lies anywhere in this process's memory (never built here whole)."""
    first, second = first.encode(), second.encode()
    for chunk in readable_memory():
        at = chunk.find(first)
        while at >= 0:
            if chunk[at + len(first):at + len(first) + len(second)] == second:
                return True
            at = chunk.find(first, at + 1)
    return False


def problems():
    found = []
    spawners = [int(p) for p in os.listdir("/proc") if p.isdigit() and real_uid(p) == SPAWNER_UID]
    if not spawners:
        found.append("no warm spawner is running")
    for pid in spawners:
        try:
            os.kill(pid, 0)
            found.append("the spawner can be signalled")
        except PermissionError:
            pass
        for name in ("mem", "environ"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as leaked:
                    data = leaked.read(65536)
            except OSError:
                continue
            # gVisor shows any process's environment: the spawner's is the container's own, nothing more
            if name != "environ" or b"GRADER" in data or b"SANDBOX_" in data:
                found.append(f"the spawner's {name} can be read")
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            descriptors = []
        for fd in descriptors:  # gVisor lists them, and reopens a file by its path (/dev/null): not these
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                os.close(os.open(f"/proc/{pid}/fd/{fd}", os.O_RDWR | os.O_NONBLOCK))
            except OSError:
                continue
            if target.startswith(("socket:", "pipe:", "anon_inode:")):
                found.append(f"the spawner's {target} can be opened")
        if libc.ptrace(16, pid, 0, 0) == 0:  # PTRACE_ATTACH
            found.append("the spawner can be traced")
    if os.getuid() != 61000 or os.geteuid() != 61000:
        found.append(f"runs as uid {os.getuid()}")
    with open("/proc/self/status") as status:
        caps = [line.split()[1] for line in status if line.startswith(("CapEff", "CapPrm"))]
    if any(int(cap, 16) for cap in caps):
        found.append(f"has capabilities {caps}")
    if libc.shmget(0, 4096, 0o1600) != -1:  # IPC_PRIVATE, IPC_CREAT: refused by the learner's filter
        found.append("is not under the learner's syscall filter")
    for name in os.listdir("/proc/self/fd"):
        try:
            probe = socket.socket(fileno=os.dup(int(name)))
        except OSError:
            continue
        try:
            if probe.type == socket.SOCK_SEQPACKET:
                request = {"role": "grader", "script": "/opt/harness/pytest_main.py", "args": [],
                           "isolated": True, "env": {}, "cwd": "/checks", "umask": 18, "fds": []}
                probe.send(json.dumps(request).encode())
                found.append(f"holds the spawner's socket (fd {name})")
        except OSError:
            pass
        finally:
            probe.close()
    if not seen_in_memory(CONTROL[:12], CONTROL[12:]):
        found.append("the memory search does not work")
    for what, (first, second) in NEEDLES.items():
        if seen_in_memory(first, second):
            found.append(f"{what} is in the learner's memory")
    return found
'''

PYTEST_EXERCISE = """\
format: 1
title: Probe
runtime: python
files: [probe.py]
checks:
  - kind: pytest
    title: What the learner's module got away with
    tests: [tests/test_probe.py]
  - kind: pytest
    title: Hidden
    tests: [tests/test_hidden.py]
    hidden: true
"""
PROBE_TEST = "from probe import problems\n\n\ndef test_nothing():\n    assert problems() == []\n"
FLASK_EXERCISE = """\
format: 1
title: Probe app
runtime: web
files: [app.py]
checks:
  - kind: http
    title: What the learner's app got away with
    app: app.py
    requests:
      - path: /
        expect: {status: 200, text_contains: [all clear]}
"""
FLASK_APP = PROBE + '''
from flask import Flask

app = Flask(__name__)


@app.get("/")
def report():
    return "; ".join(problems()) or "all clear"
'''


def graded_probe(runner: SandboxRunner, tmp_path: Path, yaml: str, name: str, code: str,
                 tests: dict[str, str | None]) -> tuple[str, str]:
    """Grade `code` as the learner's one file `name` of an exercise made of `yaml` and `tests`: the
    status of its first check, and all it said."""
    folder = make_exercise(tmp_path, yaml, {
        f"starter/{name}": "", f"solution/{name}": code, "starter/two_fer.py": None,
        "solution/two_fer.py": None, "tests/test_two_fer.py": None, **tests,
    })
    result = grade_submission(load_exercise(folder), {name: code.encode()}, runner)
    check = result.checks[0]
    return check.status, f"{check.message} {[test.message for test in check.tests]} {check.output}"


def test_a_learner_module_started_by_the_spawner_gets_nothing_of_it(
    runtime_runner: SandboxRunner, tmp_path: Path
) -> None:
    tests = {"tests/test_probe.py": PROBE_TEST,
             "tests/test_hidden.py": "def test_secret():\n    assert 'hidden-marker-5c1e'\n"}
    status, said = graded_probe(runtime_runner, tmp_path, PYTEST_EXERCISE, "probe.py", PROBE, tests)
    assert status == "pass", said


def test_a_learner_flask_app_started_by_the_spawner_gets_nothing_of_it(
    runtime_runner: SandboxRunner, tmp_path: Path
) -> None:
    status, said = graded_probe(runtime_runner, tmp_path, FLASK_EXERCISE, "app.py", FLASK_APP, {})
    assert status == "pass", said

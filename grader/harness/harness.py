"""The grading harness: runs inside the sandbox, in the entry's own process, as the grader uid with
only CAP_SETUID/CAP_SETGID, not dumpable; standard library only.

It reads a plan on stdin (a nonce and a list of steps, each with the files it may see), then runs each
step on a pristine copy of /work and reports each step as one frame on its own stdout:

    \\x1eGRADER <nonce> <json>\\n

A time budget per submission: a step names the learner's program it runs (`program`); once a run of
a program was stopped for time, the later steps that would run the same program again are not run
(status "not_run", `after` the step that ran out of time), so one endless loop costs one time limit.
A test step (pytest, node) also names its tests (`tests`): when its tests had got the program loaded
before time ran out (they reported something), only a step of the same tests is not run again, since
other tests call other parts of the program, which may well finish.

Learner programs run as the learner uid, never hold the harness's stdout (they write to pipes the
harness reads and caps) and cannot signal, trace or read the harness or the instructor's tests, which
run as the grader uid. A step's test files are in /checks, which only the grader uid can read, and only
while that step runs. After every step every other process is killed and the scratch folders and IPC
objects are cleared, so nothing a step started can touch the next one. The one exception is the
submission's browser (browser_session.py): it runs as a uid of its own, which no learner program can
reach, and each page step uses it through a browser context of its own, closed when the step ends.
"""

import base64
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import actions  # noqa: E402
import children  # noqa: E402
import cleanup  # noqa: E402
import identity  # noqa: E402

WORK = "/work"
CHECKS = "/checks"


def snapshot(root):
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                files[os.path.relpath(path, root)] = file.read()
    return files


def write_tree(root, files):
    for relative, data in files.items():
        parts = relative.split("/")
        if relative.startswith("/") or ".." in parts or "" in parts:
            raise ValueError(f"refusing path {relative!r}")
        path = os.path.join(root, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)


def decoded(files):
    return {path: base64.b64decode(data) for path, data in (files or {}).items()}


def prepare(step, pristine, fresh):
    """The step's files: the learner's (again, unless nothing ran yet) and its own, each where it
    belongs: test files in /checks for the grader uid only, page files in /work beside the learner's."""
    files = step.get("files") or {}
    with identity.acting_as_learner():
        if not fresh:
            write_tree(WORK, pristine)
        write_tree(WORK, decoded(files.get("work")))
    write_tree(CHECKS, decoded(files.get("checks")))


def emit(nonce, payload):
    frame = "\x1eGRADER " + nonce + " " + json.dumps(payload) + "\n"
    os.write(1, frame.encode("utf-8"))


def ran_out_of_time(outcome):
    """Whether the step's program was stopped for time (a page: only when it never finished loading,
    since another check's actions may never reach the loop that stopped this one)."""
    return outcome["status"] == "timeout" or outcome.pop("page_hung", False)


def tests_stopped(step, outcome):
    """Which of the program's runs a step that ran out of time rules out: only its own tests when they
    had got the program loaded (a reported event: pytest's collection, a node test that ended), else
    every run of the program (None)."""
    tests = step.get("tests")
    return tests if tests is not None and outcome.get("report", "").strip() else None


def stopped_by(out_of_time, step):
    """The id of the step whose running out of time rules this one out, or None: run it."""
    for after, tests in out_of_time.get(step.get("program"), ()):
        if tests is None or tests == step.get("tests"):
            return after
    return None


def main():
    children.hold_own_oom_score()
    plan = json.loads(sys.stdin.buffer.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # keep 0-2 taken, so that pipes made for children never land there
    os.close(devnull)
    os.umask(0o022)
    nonce = plan.pop("nonce")
    pristine = snapshot(WORK)
    emit(nonce, {"id": "-start-"})
    out_of_time = {}  # program -> [(the id of a step where it ran out of time, the tests it rules out)]
    fresh = True
    last = plan["steps"][-1]["id"] if plan["steps"] else None
    for step in plan["steps"]:
        program = step.get("program")
        after = stopped_by(out_of_time, step)
        if after is not None:
            emit(nonce, {"id": step["id"], "status": "not_run", "after": after})
            continue
        started = time.monotonic()
        try:
            prepare(step, pristine, fresh)
            fresh = False
            outcome = actions.run(step, last=step["id"] == last)
        except Exception as error:  # a harness bug must not read as the learner's failure
            outcome = {"status": "internal", "stderr": f"harness error: {type(error).__name__}: {error}"}
        finally:
            cleanup.sweep()
        if ran_out_of_time(outcome) and program is not None:
            out_of_time.setdefault(program, []).append((step["id"], tests_stopped(step, outcome)))
        outcome["id"] = step["id"]
        outcome["duration_s"] = round(time.monotonic() - started, 3)
        emit(nonce, outcome)
    emit(nonce, {"id": "-done-"})
    return 0


if __name__ == "__main__":
    sys.exit(main())

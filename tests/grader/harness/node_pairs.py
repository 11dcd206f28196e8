"""Run test files through the Node grading boundary, the way the harness will: for each test file, a
learner server (learner_node.js, fd 3 one end of a socketpair, cwd the learner's folder) and a tests
process (node_bridge.js preloaded, fd 4 the other end, fd 3 the report pipe). A program, not a test
module: run on the host and inside the runner image (standard library only).

    python3 node_pairs.py HARNESS_DIR < {"cases": [{"name", "work", "root", "files", "learner"?}]}

`work` holds the learner's files, `root` the test root (tests/*.test.js and their support files),
`files` the learner's files as GRADER_LEARNER_FILES lists them, `learner` an argv (relative to
`work`) replacing learner_node.js (a fake learner server). Prints one JSON list of runs.
"""

import fcntl
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time

TIMEOUT_S = 20.0
LEARNER_GRACE_S = 2.0
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}


def high(fd):
    """A copy of `fd` numbered 10 or more (closed on exec), so that it never clashes with 3 or 4."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)


def start(argv, cwd, env, moves):
    """Start argv with descriptors moved into place (target <- source) in the child; the sources
    are closed on exec, and nothing else of this process is inheritable. This program has one
    thread, so moving them in preexec_fn is safe."""

    def move():
        for target, source in moves.items():
            os.dup2(source, target)

    return subprocess.Popen(
        argv, cwd=cwd, env=env, close_fds=False, preexec_fn=move, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )


def collect(streams, process, deadline):
    """Read `streams` (name -> file) until they close or the deadline; True when it passed."""
    selector = selectors.DefaultSelector()
    out = {name: bytearray() for name in streams}
    for name, stream in streams.items():
        selector.register(stream, selectors.EVENT_READ, name)
    while selector.get_map():
        left = deadline - time.monotonic()
        if left <= 0:
            return out, True
        for key, _ in selector.select(min(left, 0.5)):
            data = os.read(key.fd, 65536)
            if data:
                out[key.data] += data
            else:
                selector.unregister(key.fileobj)
    return out, False


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.wait()


def run_pair(harness, case, test):
    env = {**BASE_ENV, "GRADER_LEARNER_FILES": "\n".join(case["files"])}
    learner_end, tests_end = socket.socketpair()
    report_read, report_write = os.pipe()
    moves_learner = {3: high(learner_end.fileno())}
    moves_tests = {3: high(report_write), 4: high(tests_end.fileno())}
    for fd in (report_write,):
        os.close(fd)
    learner_argv = case.get("learner") or ["node", f"{harness}/learner_node.js"]
    learner = start(learner_argv, case["work"], env, moves_learner)
    tests_env = {**env, "GRADER_BRIDGE_FD": "4", "GRADER_REPORT_FD": "3", "GRADER_TEST_ROOT": case["root"]}
    argv = [
        "node", "--require", f"{harness}/node_bridge.js", f"--test-reporter={harness}/node_reporter.mjs",
        "--test-reporter-destination=/dev/fd/3", test,
    ]
    tests = start(argv, case["root"], tests_env, moves_tests)
    for fd in (*moves_learner.values(), *moves_tests.values()):
        os.close(fd)
    learner_end.close()
    tests_end.close()
    deadline = time.monotonic() + TIMEOUT_S
    report = os.fdopen(report_read, "rb")
    streams = {"stdout": tests.stdout, "stderr": tests.stderr, "report": report}
    out, timed_out = collect(streams, tests, deadline)
    if timed_out:
        stop(tests)
    tests_exit = tests.wait()
    learner_out, _ = collect(
        {"stdout": learner.stdout, "stderr": learner.stderr}, learner, time.monotonic() + LEARNER_GRACE_S
    )
    try:
        learner_exit = learner.wait(timeout=LEARNER_GRACE_S)
    except subprocess.TimeoutExpired:
        stop(learner)
        learner_exit = None
    for stream in (tests.stdout, tests.stderr, learner.stdout, learner.stderr, report):
        stream.close()
    text = {name: data.decode("utf-8", "replace") for name, data in out.items()}
    events = []
    for line in text["report"].splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            events.append({"event": "unparsed", "line": line})
    return {
        "case": case["name"], "test": test, "timed_out": timed_out, "exit": tests_exit, "events": events,
        "stdout": text["stdout"], "stderr": text["stderr"], "learner_exit": learner_exit,
        "learner_stdout": learner_out["stdout"].decode("utf-8", "replace"),
        "learner_stderr": learner_out["stderr"].decode("utf-8", "replace"),
    }


def main():
    harness = sys.argv[1]
    config = json.load(sys.stdin)
    runs = []
    for case in config["cases"]:
        folder = os.path.join(case["root"], "tests")
        for name in sorted(os.listdir(folder)):
            if name.endswith(".test.js"):
                runs.append(run_pair(harness, case, f"tests/{name}"))
    json.dump(runs, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

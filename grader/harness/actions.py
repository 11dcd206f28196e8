"""What each kind of step does inside the sandbox. Every action returns the same outcome shape:
status, exit_code, stdout, stderr and `report` (what the action's own reporter wrote on fd 3)."""

import json
import os
import time

import http_client
from children import Child, Running, run_child

HARNESS = "/opt/harness"
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}


def environment(extra=None):
    return {**BASE_ENV, **(extra or {})}


def run_exec(params, timeout_s, cap):
    child = Child(
        params["argv"],
        environment(params.get("env")),
        stdin=params.get("stdin", "").encode("utf-8"),
        report=params.get("verdict", False),
    )
    return run_child(child, timeout_s, cap)


def run_pytest(params, timeout_s, cap):
    argv = [
        "python3", "-m", "pytest",
        "-p", "grader_pytest", "-p", "no:cacheprovider", "-p", "no:pastebin", "-p", "no:junitxml",
        "-q", "--tb=short", "--no-header", "-o", "addopts=", "--rootdir=/work",
        *params["tests"],
    ]
    env = environment({
        "PYTHONPATH": HARNESS,
        "GRADER_LEARNER_FILES": "\n".join(params["learner_files"]),
    })
    return run_child(Child(argv, env, report=True), timeout_s, cap)


def run_node_test(params, timeout_s, cap):
    argv = [
        "node",
        f"--test-reporter={HARNESS}/node_reporter.mjs",
        "--test-reporter-destination=/dev/fd/3",
        params["test"],
    ]
    return run_child(Child(argv, environment(), report=True), timeout_s, cap)


DOM_RUNNER = ("node", f"{HARNESS}/dom_runner.js")
"""Also the helper the plan asks the sandbox to prelaunch when it has a dom step: it loads jsdom
(about 0.4 s) while the container waits for the submission, then waits for its input on stdin."""
_prelaunched = os.environ.pop("SANDBOX_PRELAUNCH", None)


def forget_prelaunched():
    """After the first step the helper is gone (every process is killed between steps)."""
    global _prelaunched
    _prelaunched = None


def run_dom(params, timeout_s, cap):
    stdin = json.dumps(params).encode()
    if _prelaunched is not None:
        running = Running.prelaunched(_prelaunched, stdin)
    else:
        running = Running(Child(DOM_RUNNER, environment(), stdin, True))
    return running.collect(time.monotonic() + timeout_s, cap)


def run_browser(params, timeout_s, cap):
    """Headless Chromium, driven over its debugging pipe by browser_runner.py (our code, not the
    learner's: the learner's scripts run inside the browser's page)."""
    argv = ["python3", "-I", "-S", f"{HARNESS}/browser_runner.py"]
    child = Child(argv, environment(), json.dumps(params).encode(), report=True)
    return run_child(child, timeout_s, cap)


def run_http(params, timeout_s, cap):
    """Start the learner's server, send the requests from here (never from the learner's process),
    and report the raw responses; the host judges them."""
    deadline = time.monotonic() + timeout_s
    port = int(params["port"])
    if params.get("static"):
        argv = ["python3", "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    else:
        argv = ["python3", f"{HARNESS}/serve_flask.py", params["app"], str(port)]
    server = Running(Child(argv, environment({"PYTHONPATH": "/work"})))
    start_by = min(deadline, time.monotonic() + float(params["start_timeout"]))
    listening = http_client.wait_listening(port, start_by, server.poll)
    responses = http_client.perform(params["requests"], port, deadline) if listening else []
    server.kill()
    outcome = server.collect(time.monotonic() + 1.0, cap)
    if outcome["status"] == "timeout":
        outcome["status"] = "ok"  # the server was stopped by us once the requests were done
    if not listening and time.monotonic() >= deadline:
        outcome["status"] = "timeout"
    outcome["report"] = json.dumps({"listening": listening, "responses": responses})
    return outcome


ACTIONS = {
    "exec": run_exec,
    "pytest": run_pytest,
    "node-test": run_node_test,
    "dom": run_dom,
    "http": run_http,
    "browser": run_browser,
}


def run(step):
    return ACTIONS[step["action"]](step["params"], step["timeout_s"], step["output_cap"])

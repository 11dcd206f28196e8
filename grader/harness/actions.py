"""What each kind of step does inside the sandbox. Every action returns the same outcome shape:
status, exit_code, stdout, stderr and `report` (what the step's reporter wrote on fd 3).

Who runs what: the learner's programs (and a server holding the learner's modules, for tests that
call them) run as the learner uid; the instructor's tests and scripts, the reporters and the HTTP
client run as the grader uid, in processes no learner process can write to, signal, trace or read.
"""

import json
import os
import socket
import time

import http_client
from browser_session import BrowserSession
from children import Child, Running, collect, run_child
from script_runs import LearnerRuns

PAGE_HUNG = 10
"""The driver's exit status when the page never finished loading (browser_runner.py)."""

HARNESS = "/opt/harness"
CHECKS = "/checks"
WORK = "/work"
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}
LEARNER_SERVER = ("python3", "-I", f"{HARNESS}/learner_server.py")
NODE_SNAPSHOT = f"{HARNESS}/node.blob"
NODE = ("node", "--snapshot-blob", NODE_SNAPSHOT) if os.path.exists(NODE_SNAPSHOT) else ("node",)
"""How the harness starts its Node.js programs: from the image's start-up snapshot (node_snapshot.js)."""
NODE_LEARNER_SERVER = (*NODE, f"{HARNESS}/learner_node.js")
NODE_BRIDGE = f"{HARNESS}/node_bridge.js"
"""The Node.js side of the bridge (node --require preload for the test process). Until both files are in
the image, node tests run without it: the learner's file is loaded into the test process itself."""
NODE_REPORTER = (f"--test-reporter={HARNESS}/node_reporter.mjs", "--test-reporter-destination=/dev/fd/3")
BRIDGE_FD = 4


def environment(extra=None):
    """A clean environment: nothing of the harness's, and no secret ever (gVisor lets a learner
    process read the environment of the grader's processes)."""
    return {**BASE_ENV, **(extra or {})}


def run_exec(params, timeout_s, cap):
    """A learner's program with some standard input (io checks)."""
    child = Child(params["argv"], environment(), stdin=params.get("stdin", "").encode("utf-8"))
    return run_child(child, timeout_s, cap)


def run_script(params, timeout_s, cap):
    """An instructor's program, as the grader: its verdict on fd 3, and on fd 4 a way to run the
    learner's programs as the learner (see script/learner.py)."""
    deadline = time.monotonic() + timeout_s
    service_end, script_end = socket.socketpair()
    env = environment({
        **params.get("env", {}),
        "PYTHONPATH": f"{HARNESS}/script",
        "GRADER_VERDICT_FD": "3",
        "GRADER_LEARNER_FD": str(BRIDGE_FD),
    })
    with service_end, script_end:
        fds = {BRIDGE_FD: script_end.fileno()}
        script = Running(Child(params["argv"], env, report=True, role="grader", fds=fds))
        script_end.close()
        runs = LearnerRuns(service_end, deadline, cap, environment)
        return script.collect(deadline, cap, services={service_end.fileno(): runs.on_readable})


def run_bridged(learner_argv, test_argv, test_env, learner_files, timeout_s, cap, stdin=b""):
    """Tests that call the learner's code: the learner's server (learner uid, the socket on fd 3) and
    the test process (grader uid, the socket on fd 4, its report on fd 3, `stdin` on its stdin)."""
    deadline = time.monotonic() + timeout_s
    files = {"GRADER_LEARNER_FILES": "\n".join(learner_files)}
    learner_end, test_end = socket.socketpair()
    with learner_end, test_end:
        server = Running(Child(learner_argv, environment(files), fds={3: learner_end.fileno()}, warm=True))
        env = environment({**files, **test_env, "GRADER_BRIDGE_FD": str(BRIDGE_FD)})
        tests = Running(Child(test_argv, env, stdin, report=True, role="grader",
                              fds={BRIDGE_FD: test_end.fileno()}, warm=True))
    return tests.collect(deadline, cap, others=[server])


def run_pytest(params, timeout_s, cap):
    argv = [
        "python3", "-I", "-B", f"{HARNESS}/pytest_main.py",
        "-p", "no:cacheprovider", "-p", "no:pastebin", "-p", "no:junitxml",
        "-q", "--tb=short", "--no-header", "-c", "/dev/null", f"--rootdir={CHECKS}", f"--confcutdir={CHECKS}",
        *(f"{CHECKS}/{test}" for test in params["tests"]),
    ]
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return run_bridged(LEARNER_SERVER, argv, env, params["learner_files"], timeout_s, cap)


def run_node_test(params, timeout_s, cap):
    """`node:test` files that `require` the learner's module: through the Node.js bridge (the learner's
    server, learner_node.js; the tests' preload, node_bridge.js)."""
    argv = [*NODE, "--require", NODE_BRIDGE, *NODE_REPORTER, f"{CHECKS}/{params['test']}"]
    env = {"GRADER_TEST_ROOT": CHECKS, "GRADER_REPORT_FD": "3"}
    learner_files = params.get("learner_files", [])
    return run_bridged(NODE_LEARNER_SERVER, argv, env, learner_files, timeout_s, cap)


CALLS_CLIENT = ("python3", "-I", "-S", f"{HARNESS}/calls_client.py")


def run_calls(params, timeout_s, cap):
    """A `calls` check's table: the learner's server holds their module (learner uid), and our client
    (grader uid) asks it to make each call, reporting what came back by value. The calls were parsed
    on the host; the expected values stay there."""
    learner = LEARNER_SERVER if params["language"] == "python" else NODE_LEARNER_SERVER
    stdin = json.dumps(params).encode()
    return run_bridged(learner, CALLS_CLIENT, {}, params["learner_files"], timeout_s, cap, stdin)


BROWSER_DRIVER = ("python3", "-I", "-S", f"{HARNESS}/browser_runner.py")
BROWSER = BrowserSession(os.environ.pop("SANDBOX_PRELAUNCH", None))
"""The submission's browser, prelaunched by the sandbox's entry when the plan has a page step."""


def run_page(params, timeout_s, cap):
    """A `browser` or `dom` step: the submission's browser (the helper's uid; the learner's scripts run
    inside its pages), driven over its debugging pipe by browser_runner.py (our code, as the grader)."""
    child = Child(BROWSER_DRIVER, environment(), json.dumps(params).encode(), report=True, role="grader",
                  fds=BROWSER.descriptors())
    outcome = run_child(child, timeout_s, cap)
    if outcome["status"] != "ok" or outcome["exit_code"] not in (0, PAGE_HUNG):
        BROWSER.discard()  # stopped mid-conversation: the next page step gets a browser of its own
    outcome["page_hung"] = outcome["exit_code"] == PAGE_HUNG
    return outcome


def run_http(params, timeout_s, cap):
    """Start the learner's server, then send the requests from a client of ours (grader uid): it
    reports the raw responses, one JSON line each, and the host judges them. Whatever the learner's
    server answers, only that client can choke on it, and the step's deadline ends it."""
    deadline = time.monotonic() + timeout_s
    port = int(params["port"])
    if params.get("static"):
        argv = ["python3", "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    else:
        argv = ["python3", f"{HARNESS}/serve_flask.py", params["app"], str(port)]
    server = Running(Child(argv, environment({"PYTHONPATH": WORK}), warm=True))
    start_by = min(deadline, time.monotonic() + float(params["start_timeout"]))
    listening = http_client.wait_listening(port, start_by, server.poll)
    responses = []
    if listening:
        request = json.dumps({"port": port, "requests": params["requests"]}).encode()
        client_argv = ["python3", "-I", "-S", f"{HARNESS}/http_client.py"]
        client = Running(Child(client_argv, environment(), request, report=True, role="grader", warm=True))
        outcome = collect([client, server], deadline, cap)
        responses = http_client.read_report(outcome["report"])
    else:
        server.kill()
        outcome = server.collect(time.monotonic() + 1.0, cap)
        if outcome["status"] == "timeout":
            outcome["status"] = "ok"  # the server was stopped by us: it was not listening in time
        if time.monotonic() >= deadline:
            outcome["status"] = "timeout"
    outcome["stdout"], outcome["stderr"] = server.text("stdout"), server.text("stderr")
    outcome["exit_code"] = server.exit_code
    outcome["report"] = json.dumps({"listening": listening, "responses": responses})
    return outcome


ACTIONS = {
    "exec": run_exec,
    "script": run_script,
    "pytest": run_pytest,
    "node-test": run_node_test,
    "dom": run_page,
    "http": run_http,
    "browser": run_page,
    "calls": run_calls,
}


def run(step, last=False):
    """Run one step; `last`: no step follows it (a page step then leaves the tab as it is)."""
    params = step["params"]
    if step["action"] in ("browser", "dom"):
        params = {**params, "kind": step["action"], "blank_after": not last}
    return ACTIONS[step["action"]](params, step["timeout_s"], step["output_cap"])

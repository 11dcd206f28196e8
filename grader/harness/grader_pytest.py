"""The pytest plugin of the test process (grader uid): the learner's modules import as proxies (see
grader_bridge/proxies.py), every test is reported on fd 3 as a JSON line, and tmp_path is a folder
the learner's process may use too.

Events: {"event": "collected", "tests": [nodeid, ...]} once; {"event": "collect-error", "path",
"message", "learner": {"module", "how", "traceback"} or null}; {"event": "test", "nodeid", "outcome":
passed|failed|skipped|error, "message", "where": {"file", "line"} or null}; {"event": "finished"}
last. The learner's code never runs in this process, so it cannot write any of them.
"""

import json
import os

import pytest
from grader_bridge import proxies

REPORT_FD = 3
LEARNER_FILES = [f for f in os.environ.get("GRADER_LEARNER_FILES", "").split("\n") if f]
BASETEMP = "/tmp/grader-tests"
SHARED_DIR_MODE = 0o777
OUR_ERRORS = (proxies.YourProgramEnded, proxies.UnreadableAnswer)

BRIDGE = proxies.install(int(os.environ["GRADER_BRIDGE_FD"]), LEARNER_FILES)


class Reporter:
    def __init__(self):
        self.out = os.fdopen(REPORT_FD, "w", buffering=1, encoding="utf-8", errors="replace")
        self.reported_failures = 0

    def send(self, **event):
        self.out.write(json.dumps(event) + "\n")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        error = call.excinfo.value if call.excinfo is not None else None
        report.grader_where = getattr(error, "__grader_where__", None)
        report.grader_message = learner_message(error)

    def pytest_collectreport(self, report):
        if report.failed:
            failures = proxies.import_failures[self.reported_failures:]
            self.reported_failures = len(proxies.import_failures)
            learner = None
            if failures:
                module, how, text = failures[-1]
                learner = {"module": module, "how": how, "traceback": text}
            self.send(event="collect-error", path=str(report.fspath), message=str(report.longrepr)[-4000:],
                      learner=learner)

    def pytest_collection_finish(self, session):
        self.send(event="collected", tests=[item.nodeid for item in session.items])

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and not report.passed):
            outcome = "error" if report.when == "setup" and report.failed else report.outcome
            if hasattr(report, "wasxfail"):
                outcome = "failed"  # an expected failure earns nothing
            self.send(
                event="test",
                nodeid=report.nodeid,
                outcome=outcome,
                message=getattr(report, "grader_message", None) or failure_message(report),
                where=getattr(report, "grader_where", None),
            )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        self.send(event="finished")
        self.out.flush()


def learner_message(error):
    """A plain sentence for the ways the learner's program can end a test, else None."""
    if isinstance(error, OUR_ERRORS):
        return str(error)
    if isinstance(error, SystemExit) and hasattr(error, "__grader_where__"):
        return "Your code ended the program (it called exit()) while this test was using it."
    return None


def failure_message(report):
    if report.passed:
        return ""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        return str(reason).removeprefix("Skipped: ")
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    return str(report.longrepr)[-2000:]


def shared(path):
    """A folder of the tests' that the learner's process may read and write too."""
    os.chmod(path, SHARED_DIR_MODE)
    return path


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    config.option.basetemp = BASETEMP
    config.pluginmanager.register(Reporter(), "grader-reporter")


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    factory = session.config._tmp_path_factory
    made_base = factory.getbasetemp

    def getbasetemp():
        base = made_base()
        os.chmod(base, 0o755)
        return base

    made = factory.mktemp

    def mktemp(basename, numbered=True):
        return shared(made(basename, numbered))

    factory.getbasetemp = getbasetemp
    factory.mktemp = mktemp

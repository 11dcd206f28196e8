"""A pytest plugin, loaded with `-p grader_pytest` inside the sandbox: reports every test on fd 3
as JSON lines, and checks afterwards that the learner's code left pytest's machinery alone."""

import inspect
import json
import os
import sys

import pytest

REPORT_FD = 3
LEARNER_FILES = [f for f in os.environ.get("GRADER_LEARNER_FILES", "").split("\n") if f]
WORK = "/work/"

# What a learner's module could patch to make failing tests pass; compared before and after.
GUARDED = [
    ("_pytest.runner", "call_and_report"),
    ("_pytest.runner", "runtestprotocol"),
    ("_pytest.runner", "pytest_runtest_call"),
    ("_pytest.runner", "CallInfo"),
    ("_pytest.python", "pytest_pyfunc_call"),
    ("_pytest.python.Function", "runtest"),
    ("_pytest.reports.TestReport", "from_item_and_call"),
    ("_pytest.reports.TestReport", "__init__"),
    ("_pytest.outcomes", "fail"),
    ("_pytest.outcomes", "skip"),
    ("_pytest.outcomes", "exit"),
    ("_pytest.outcomes", "xfail"),
    ("_pytest.assertion.rewrite", "AssertionRewritingHook"),
    ("_pytest.assertion.util", "assertrepr_compare"),
    ("pluggy._hooks._HookCaller", "__call__"),
    ("pluggy._manager.PluginManager", "_hookexec"),
    ("builtins", "AssertionError"),
    ("builtins", "isinstance"),
    ("builtins", "len"),
]


def resolve(dotted, attribute):
    """The current value of `attribute` on a module or a class in a module, found by dotted name."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is not None:
            target = module
            for name in parts[cut:]:
                target = getattr(target, name, None)
            # getattr_static: the stored object itself, not a fresh bound method each time
            return inspect.getattr_static(target, attribute, None)
    return None


class Reporter:
    def __init__(self):
        self.out = os.fdopen(REPORT_FD, "w", buffering=1, encoding="utf-8", errors="replace")
        self.guarded = {}
        self.tampered = []

    def send(self, **event):
        self.out.write(json.dumps(event) + "\n")

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session):
        self.guarded = {key: resolve(*key) for key in GUARDED}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        report.grader_where = learner_frame(call.excinfo) if call.excinfo else None

    def pytest_collectreport(self, report):
        if report.failed:
            self.send(event="collect-error", path=str(report.fspath), message=collect_message(report))

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
                message=failure_message(report),
                where=getattr(report, "grader_where", None),
            )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        changed = [f"{m}.{a}" for (m, a), value in self.guarded.items() if resolve(m, a) is not value]
        self.send(event="finished", tampered=changed + always_equal_classes())
        self.out.flush()


def learner_frame(excinfo):
    """The deepest traceback entry in one of the learner's files, as (file, line)."""
    found = None
    for entry in excinfo.traceback:
        path = str(entry.path)
        relative = path[len(WORK):] if path.startswith(WORK) else None
        if relative in LEARNER_FILES:
            found = {"file": relative, "line": entry.lineno + 1}
    return found


def failure_message(report):
    if report.passed:
        return ""
    if report.skipped:
        return "This test was skipped."
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    return str(report.longrepr)[-2000:]


def collect_message(report):
    return str(report.longrepr)[-4000:]


def always_equal_classes():
    """Classes from the learner's files whose == says yes to anything: a way to pass every
    `assert answer == expected` without computing the answer."""

    class Stranger:
        pass

    flagged = []
    seen = set()
    pending = [object]
    while pending:
        cls = pending.pop()
        try:
            subclasses = type.__subclasses__(cls)
        except TypeError:
            continue
        for sub in subclasses:
            if sub in seen:
                continue
            seen.add(sub)
            pending.append(sub)
            eq = sub.__dict__.get("__eq__")
            code = getattr(eq, "__code__", None)
            filename = getattr(code, "co_filename", "")
            if not filename.startswith(WORK) or filename[len(WORK):] not in LEARNER_FILES:
                continue
            try:
                instance = object.__new__(sub)
                if eq(instance, Stranger()) is True:
                    flagged.append(f"{sub.__name__}.__eq__ says it equals anything")
            except Exception:
                continue
    return flagged


def pytest_configure(config):
    config.pluginmanager.register(Reporter(), "grader-reporter")

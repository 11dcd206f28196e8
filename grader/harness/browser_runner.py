"""The `browser` step: load the learner's page in headless Chromium at each viewport, act on it like a
user, and report what the browser sees (computed styles, boxes, visibility, the DOM, console errors,
a screenshot) as one JSON object on fd 3. Nothing is judged here: the host compares.

Input on stdin: {"page", "viewports": [{"width", "height"}], "actions", "probes": [{"selector",
"properties"}], "screenshot": {"max_width", "max_height", "max_bytes"}, "budget_s"}.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cdp  # noqa: E402
import chromium  # noqa: E402
from browser_actions import ActionFailed, perform  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT_FD = 3
ERRORS_CAP = 20
PER_SELECTOR = 20
HTML_CAP = 512 * 1024
KEPT = ("Page.loadEventFired", "Inspector.targetCrashed")
WORK_URL = "file:///work/"
NAVIGATION_WAIT_S = 3.0
"""How long a page that went to another document may take to load it."""


def place(url, line):
    """ " (script.js, line 3)" for a place in the learner's files, else ""."""
    if not url.startswith(WORK_URL) or not isinstance(line, int):
        return ""
    return f" ({url[len(WORK_URL):]}, line {line + 1})"


class Viewport:
    """What one viewport saw; filled in as the page is loaded, used and inspected."""

    def __init__(self, size):
        self.width = int(size["width"])
        self.height = int(size["height"])
        self.report = {"viewport": f"{self.width}x{self.height}", "errors": [], "action_errors": []}
        self.session = None
        self.helpers = None

    def error(self, text):
        errors = self.report["errors"]
        if len(errors) < ERRORS_CAP:
            errors.append(str(text)[:500])


class Run:
    def __init__(self, params):
        self.params = params
        self.deadline = time.monotonic() + float(params["budget_s"])
        self.current = None
        self.frame = None
        self.browser = chromium.start(self.on_event, KEPT)
        self.connection = self.browser.connection
        with open(os.path.join(HERE, "browser_page.js"), encoding="utf-8") as file:
            self.helpers = file.read()

    def on_event(self, message):
        """Console errors and uncaught exceptions of the current page; dialogs are dismissed at once."""
        viewport = self.current
        if viewport is None or message.get("sessionId") != viewport.session:
            return
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text") or "an error"
            where = place(details.get("url", ""), details.get("lineNumber"))
            viewport.error(text.split("\n")[0].removeprefix("Uncaught ") + where)
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            values = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            viewport.error(" ".join(values) or "console.error()")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            where = entry.get("url", "").replace(WORK_URL, "")
            viewport.error(f"{entry.get('text', '')} ({where})" if where else entry.get("text", ""))
        elif method == "Page.javascriptDialogOpening":
            self.connection.send("Page.handleJavaScriptDialog", {"accept": True}, viewport.session)

    def call(self, method, params=None):
        return self.connection.call(method, params, self.current.session, self.deadline)

    def helper(self, name, *args):
        """Call one of browser_page.js's helpers in the page's isolated world; its value. When the page
        went to another document (a link, a form sent without preventDefault, a reload), the helpers
        are made again in the new one, once it has loaded, and the call is tried once more."""
        try:
            return self.call_helper(name, args)
        except cdp.CdpError as error:
            if "context" not in str(error).lower() and "navigated" not in str(error).lower():
                raise
        self.wait_loaded(self.current, min(self.deadline, time.monotonic() + NAVIGATION_WAIT_S))
        self.make_helpers(self.current)
        return self.call_helper(name, args)

    def call_helper(self, name, args):
        declaration = f"function(...args) {{ return this.{name}(...args); }}"
        reply = self.call("Runtime.callFunctionOn", {
            "objectId": self.current.helpers, "functionDeclaration": declaration,
            "arguments": [{"value": arg} for arg in args], "returnByValue": True, "awaitPromise": True,
        })
        if "exceptionDetails" in reply:
            raise cdp.CdpError(reply["exceptionDetails"].get("text", "the helper failed"))
        return reply.get("result", {}).get("value")

    def make_helpers(self, viewport):
        """browser_page.js in a fresh isolated world of the page's current document."""
        world = self.call("Page.createIsolatedWorld", {"frameId": self.frame, "worldName": "grader"})
        context = world["executionContextId"]
        helpers = self.call("Runtime.evaluate", {"expression": self.helpers, "contextId": context})
        viewport.helpers = helpers["result"]["objectId"]

    def attach(self):
        """The session of the tab Chromium opened at start (its renderer started with the browser)."""
        deadline = self.deadline
        while True:
            targets = self.connection.call("Target.getTargets", deadline=deadline)["targetInfos"]
            pages = [target for target in targets if target.get("type") == "page"]
            if pages:
                break
            self.connection.pause(0.02, deadline)
        session = self.connection.call("Target.attachToTarget", {
            "targetId": pages[0]["targetId"], "flatten": True}, deadline=deadline)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.connection.call(f"{domain}.enable", session=session, deadline=deadline)
        # A headless tab never has the window's focus, so `:focus` would match nothing: act as if it had.
        self.connection.call("Emulation.setFocusEmulationEnabled", {"enabled": True}, session=session,
                             deadline=deadline)
        return session

    def open(self, viewport, session):
        """Load the page afresh at this viewport's size; False when there is no page to load."""
        self.current = viewport
        viewport.session = session
        self.call("Storage.clearDataForOrigin", {"origin": "file://", "storageTypes": "all"})
        self.call("Emulation.setDeviceMetricsOverride", {
            "width": viewport.width, "height": viewport.height, "deviceScaleFactor": 1, "mobile": False,
        })
        viewport.report["phase"] = "loading"
        self.connection.events.clear()
        navigation = self.call("Page.navigate", {"url": WORK_URL + self.params["page"]})
        if navigation.get("errorText"):
            viewport.report["load_error"] = navigation["errorText"]
            return False
        self.frame = navigation["frameId"]
        self.wait_loaded(viewport, self.deadline)
        self.make_helpers(viewport)
        self.helper("settle")
        return True

    def wait_loaded(self, viewport, deadline):
        event = self.connection.wait_event(
            ("Page.loadEventFired", "Inspector.targetCrashed"), deadline, viewport.session)
        if event["method"] == "Inspector.targetCrashed":
            raise cdp.BrowserGone("the page crashed")

    def inspect(self, viewport):
        viewport.report["phase"] = "checking"
        self.helper("finishAnimations")
        facts = self.helper("facts", self.params.get("probes", []), PER_SELECTOR, HTML_CAP)
        viewport.report["facts"] = facts
        shot = self.params.get("screenshot")
        if shot:
            viewport.report["phase"] = "taking a picture"
            viewport.report["screenshot"] = self.screenshot(viewport, facts["page"], shot)

    def screenshot(self, viewport, page, limits):
        """A PNG of the page from its top, at most max_width x max_height pixels and max_bytes long:
        scaled down, then cut shorter, until it fits."""
        width = viewport.width
        height = min(max(page["height"], viewport.height), int(limits["max_height"]))
        scale = min(1.0, int(limits["max_width"]) / width)
        for _ in range(6):
            clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": scale}
            data = self.call("Page.captureScreenshot", {
                "format": "png", "clip": clip, "captureBeyondViewport": height > viewport.height,
            })["data"]
            if len(data) * 3 // 4 <= int(limits["max_bytes"]):
                return data
            scale, height = scale * 0.75, max(viewport.height // 2, int(height * 0.75))
        return None

    def run(self):
        """The report: one entry per viewport reached, and `fatal` when the run could not finish:
        "timeout" or "crashed" (the page's doing), "page" (the page went away under us), "browser"
        (Chromium itself failed before the page was loaded: not the learner's doing)."""
        report = {"viewports": []}
        try:
            session = self.attach()
            for size in self.params["viewports"]:
                viewport = Viewport(size)
                report["viewports"].append(viewport.report)
                if not self.open(viewport, session):
                    continue
                viewport.report["phase"] = "using the page"
                try:
                    perform(self, self.params.get("actions", []))
                except ActionFailed as failure:
                    viewport.report["action_errors"].append(failure.args[0])
                self.inspect(viewport)
                viewport.report.pop("phase")
        except (cdp.Deadline, cdp.BrowserGone, cdp.CdpError) as error:
            report["fatal"] = self.fatal(error)
            report["detail"] = str(error)
        finally:
            self.browser.stop()
        if report.get("fatal") == "browser":
            report["detail"] += "\n" + self.browser.log_tail()
        return report

    def fatal(self, error):
        if self.current is None:
            return "browser"
        if isinstance(error, cdp.Deadline):
            return "timeout"
        if isinstance(error, cdp.BrowserGone) or "crash" in str(error).lower():
            return "crashed"
        return "page"


def main():
    params = json.loads(sys.stdin.buffer.read())
    try:
        report = Run(params).run()
    except Exception as error:  # a bug of ours, told as such
        report = {"fatal": "browser", "detail": f"{type(error).__name__}: {error}"}
    view = memoryview(json.dumps(report).encode("utf-8"))
    while view:
        view = view[os.write(REPORT_FD, view):]
    return 0


if __name__ == "__main__":
    sys.exit(main())

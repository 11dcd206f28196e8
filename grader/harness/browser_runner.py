"""A page step (`browser` or `dom`): load the learner's page in the submission's Chromium, act on it like a
user, and report what the browser sees as one JSON object on fd 3. Nothing is judged here: the host
compares.

This driver runs as the grader uid. The browser is the sandbox's prelaunched helper (its own uid, started
before any file of the run existed, chromium.py), shared by every page step of the submission; the
harness hands this driver its debugging pipe on fds 4 (commands) and 5 (replies) and its log on fd 6.

One tab serves the page steps one after the other, each loading the page afresh: a step that ends
normally leaves it blank (its other windows closed, its storage, session storage and window name
cleared) for the next one, which saves starting a renderer per step (the plan's last step has no
next one: "blank_after": false leaves it as it is). A step whose page hung, crashed
or went astray closes the tab (its whole browser context, renderer included); the next step then
opens a fresh one in a context of its own.

Input on stdin, for a `browser` step: {"kind": "browser", "page", "viewports": [{"width", "height"}],
"actions", "probes": [{"selector", "properties"}], "screenshot": {"max_width", "max_height",
"max_bytes"}, "budget_s"}; for a `dom` step: {"kind": "dom", "page", "actions", "budget_s"}.
"""

import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cdp  # noqa: E402
from browser_actions import ActionFailed, perform  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT_FD = 3
COMMANDS_FD, REPLIES_FD, LOG_FD = 4, 5, 6
PAGE_HUNG = 10
"""Exit status when the page never finished loading: no other step needs to load it again."""
ERRORS_CAP = 20
PER_SELECTOR = 20
HTML_CAP = 512 * 1024
NAVIGATING = ("Page.frameRequestedNavigation", "Page.frameScheduledNavigation")
"""Sent before the reply to the command that caused them (a form sent, a link followed, `location`
set), so that after each action the driver knows whether the page may be going to another document."""
STARTED = ("Page.frameStartedNavigating", "Page.frameStartedLoading")
LOADED = ("Page.loadEventFired", "Page.frameStoppedLoading")
READY = "Page.domContentEventFired"
CRASHED = "Inspector.targetCrashed"
KEPT = (*STARTED, *LOADED, READY, CRASHED)
WORK_URL = "file:///work/"
START_WAIT_S = 0.5
"""How long a requested navigation may take to start: one the browser refuses (to chrome://, say)
never starts, and the page stays where it was."""
NAVIGATION_WAIT_S = 3.0
"""How long a page that went to another document may take to load it."""
LOAD_GRACE_S = 4.0
"""How long a page whose document is ready may still load its other parts (frames, pictures) before it is
stopped where it is, as a visitor would press Stop."""
DOM_VIEWPORT = {"width": 1200, "height": 800}
CLOSE_S = 2.0


def place(url, line):
    """ " (script.js, line 3)" for a place in the learner's files, else ""."""
    if not url.startswith(WORK_URL) or not isinstance(line, int):
        return ""
    return f" ({url[len(WORK_URL):]}, line {line + 1})"


class Viewport:
    """What one viewport saw; filled in as the page is loaded, used and inspected."""

    def __init__(self, size, report=None):
        self.width = int(size["width"])
        self.height = int(size["height"])
        self.report = report if report is not None else {"viewport": f"{self.width}x{self.height}"}
        self.report.update(errors=[], action_errors=[])
        self.session = None
        self.helpers = None

    def error(self, text):
        errors = self.report["errors"]
        if len(errors) < ERRORS_CAP:
            errors.append(str(text)[:500])


class Run:
    def __init__(self, params):
        self.params = params
        self.dom = params.get("kind") == "dom"
        self.deadline = time.monotonic() + float(params["budget_s"])
        self.current = None
        self.frame = None
        self.context = None
        self.default_context = None
        self.tab = None
        self.session = None
        self.navigation_requested = False
        self.hung_loading = False
        first_id = random.SystemRandom().randrange(1 << 20, 1 << 30)  # Chromium takes 32-bit ids
        self.connection = cdp.Connection(COMMANDS_FD, REPLIES_FD, self.on_event, KEPT, log=LOG_FD,
                                         first_id=first_id)
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
        elif method in NAVIGATING and params.get("frameId") == self.frame:
            self.navigation_requested = True

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
        self.follow_navigation()
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

    def before_action(self):
        self.navigation_requested = False
        self.connection.events[:] = [e for e in self.connection.events if e.get("method") == CRASHED]

    def after_action(self):
        """Once an action is done: follow the page to its new document if it went to one."""
        if not self.navigation_requested:
            return
        self.navigation_requested = False
        if self.wait_for(STARTED, START_WAIT_S):
            self.follow_navigation()

    def follow_navigation(self):
        """Wait (a few seconds at most) for the document the page went to, then make the helpers there."""
        self.navigation_requested = False
        self.wait_for(LOADED, NAVIGATION_WAIT_S)
        self.make_helpers(self.current)

    def wait_for(self, methods, seconds):
        """Whether one of `methods` came for the current page within `seconds` (and the step's time)."""
        try:
            until = min(self.deadline, time.monotonic() + seconds)
            event = self.connection.wait_event((*methods, CRASHED), until, self.current.session)
        except cdp.Deadline:
            if time.monotonic() >= self.deadline:
                raise
            return False
        if event["method"] == CRASHED:
            raise cdp.BrowserGone("the page crashed")
        return True

    def begin(self):
        """The session of the tab this step uses: the blank tab an earlier step left, or the tab the
        browser opened at start, else a new tab in a context of its own (after closing what an earlier
        step left in another state)."""
        deadline = self.deadline
        contexts = self.connection.call("Target.getBrowserContexts", deadline=deadline)
        self.default_context = contexts.get("defaultBrowserContextId")
        targets = self.connection.call("Target.getTargets", deadline=deadline)["targetInfos"]
        pages = [target for target in targets if target.get("type") == "page"]
        if len(pages) == 1 and pages[0].get("url") in ("", "about:blank"):
            self.tab, self.context = pages[0]["targetId"], pages[0].get("browserContextId")
        else:
            for page in pages:
                if page.get("browserContextId") == self.default_context:
                    self.close_target(page["targetId"], deadline)
            for context in contexts.get("browserContextIds", []):
                self.dispose(context, deadline)
            made = self.connection.call("Target.createBrowserContext", deadline=deadline)
            self.context = made["browserContextId"]
            self.tab = self.connection.call("Target.createTarget", {
                "url": "about:blank", "browserContextId": self.context}, deadline=deadline)["targetId"]
        self.session = self.connection.call("Target.attachToTarget", {
            "targetId": self.tab, "flatten": True}, deadline=deadline)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.connection.call(f"{domain}.enable", session=self.session, deadline=deadline)
        # A headless tab never has the window's focus, so `:focus` would match nothing: act as if it had.
        self.connection.call("Emulation.setFocusEmulationEnabled", {"enabled": True}, session=self.session,
                             deadline=deadline)
        return self.session

    def end(self, clean):
        """Leave the tab blank for the next step when this one ended `clean`ly; else close it (and its
        context, renderer included, even one stuck in a loop). After the plan's last step nothing uses
        the browser again (the container goes): a clean end leaves the tab as it is."""
        if self.tab is None or (clean and not self.params.get("blank_after", True)):
            return
        deadline = time.monotonic() + CLOSE_S
        try:
            if clean and self.current is not None and self.blank(deadline):
                return
        except (cdp.Deadline, cdp.BrowserGone, cdp.CdpError):
            pass
        try:
            if self.session is not None:  # a renderer stuck in a loop still answers this at once
                self.connection.send("Page.crash", session=self.session)
            if self.context is not None and self.context != self.default_context:
                self.dispose(self.context, deadline)
            else:
                self.close_target(self.tab, deadline)
        except (cdp.Deadline, cdp.BrowserGone):
            pass  # the next driver closes it, or the harness replaces the browser

    def close_target(self, target, deadline):
        """Close a tab; one already gone (closing as we ask) is no error."""
        try:
            self.connection.call("Target.closeTarget", {"targetId": target}, deadline=deadline)
        except cdp.CdpError:
            pass

    def dispose(self, context, deadline):
        """Close a browser context with its tabs and renderers; one already gone is no error."""
        try:
            self.connection.call("Target.disposeBrowserContext", {"browserContextId": context},
                                 deadline=deadline)
        except cdp.CdpError:
            pass

    def close_others(self):
        """Close the windows the page opened."""
        targets = self.connection.call("Target.getTargets", deadline=self.deadline)["targetInfos"]
        for target in targets:
            if target.get("type") == "page" and target["targetId"] != self.tab:
                self.close_target(target["targetId"], self.deadline)

    def blank(self, deadline):
        """The tab at about:blank with nothing of the page left: its other windows closed, its storage,
        session storage and window name cleared. False when the page would not let go."""
        self.deadline = deadline
        self.close_others()
        self.helper("forget")
        self.connection.events.clear()
        self.call("Page.navigate", {"url": "about:blank"})
        self.wait_loaded(self.current, deadline)
        self.call("Storage.clearDataForOrigin", {"origin": "file://", "storageTypes": "all"})
        self.connection.call("Target.detachFromTarget", {"sessionId": self.session}, deadline=deadline)
        return True

    def open(self, viewport, session):
        """Load the page afresh at this viewport's size; False when there is no page to load."""
        if self.current is not None and self.current.helpers is not None:
            self.close_others()  # what the page opened and kept at the last size
            self.helper("forget")
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
        self.navigation_requested = False  # the load just waited for
        self.make_helpers(viewport)
        self.helper("settle")
        return True

    def wait_loaded(self, viewport, deadline):
        """Until the page's load event. A part of the page that never finishes loading (a frame of a
        file the browser will not show, a picture that never ends) does not use up the step's time:
        LOAD_GRACE_S after the document itself is ready, loading is stopped and the page used as it is."""
        session = viewport.session
        event = self.connection.wait_event(("Page.loadEventFired", READY, CRASHED), deadline, session)
        if event["method"] == READY:
            try:
                grace = min(deadline, time.monotonic() + LOAD_GRACE_S)
                event = self.connection.wait_event(("Page.loadEventFired", CRASHED), grace, session)
            except cdp.Deadline:
                if time.monotonic() >= deadline:
                    raise
                self.connection.call("Page.stopLoading", session=session, deadline=deadline)
                return
        if event["method"] == CRASHED:
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
        """The report. A `browser` step: one entry per viewport reached. A `dom` step: the page's DOM
        after the actions, its errors and the actions' problems. Either way `fatal` when the run could
        not finish: "timeout" or "crashed" (the page's doing), "page" (the page went away under us),
        "browser" (Chromium itself failed before the page was loaded: not the learner's doing)."""
        report = {} if self.dom else {"viewports": []}
        try:
            session = self.begin()
            if self.dom:
                self.use_dom(report, session)
            else:
                self.use_viewports(report, session)
        except (cdp.Deadline, cdp.BrowserGone, cdp.CdpError) as error:
            report["fatal"] = self.fatal(error)
            report["detail"] = str(error) or ("the browser did not answer before the step's time was up"
                                              if isinstance(error, cdp.Deadline) else type(error).__name__)
        finally:
            self.end(clean="fatal" not in report)
        if report.get("fatal") == "browser":
            report["detail"] += "\n" + self.connection.log_tail()
        return report

    def use_viewports(self, report, session):
        for size in self.params["viewports"]:
            viewport = Viewport(size)
            report["viewports"].append(viewport.report)
            if not self.open(viewport, session):
                continue
            self.act(viewport)
            self.inspect(viewport)
            viewport.report.pop("phase")

    def use_dom(self, report, session):
        """The page in one window, acted on as a script would (as the dom check always did: a click is
        the element's click(), whatever covers it), then its whole document as HTML."""
        viewport = Viewport(DOM_VIEWPORT, report)
        if not self.open(viewport, session):
            raise cdp.CdpError(f"the page could not be opened: {report.pop('load_error')}")
        self.act(viewport)
        report["phase"] = "checking"
        report["html"] = self.helper("snapshot", HTML_CAP)
        report.pop("phase")

    def act(self, viewport):
        viewport.report["phase"] = "using the page"
        try:
            perform(self, self.params.get("actions", []), scripted=self.dom)
        except ActionFailed as failure:
            viewport.report["action_errors"].append(failure.args[0])

    def fatal(self, error):
        if self.current is None:
            return "browser"
        if isinstance(error, cdp.Deadline):
            self.hung_loading = self.current.report.get("phase") == "loading"
            return "timeout"
        if isinstance(error, cdp.BrowserGone) or "crash" in str(error).lower():
            return "crashed"
        return "page"


def main():
    params = json.loads(sys.stdin.buffer.read())
    run = None
    try:
        run = Run(params)
        report = run.run()
    except Exception as error:  # a bug of ours, told as such
        report = {"fatal": "browser", "detail": f"{type(error).__name__}: {error}"}
    view = memoryview(json.dumps(report).encode("utf-8"))
    while view:
        view = view[os.write(REPORT_FD, view):]
    return PAGE_HUNG if run is not None and run.hung_loading else 0


if __name__ == "__main__":
    sys.exit(main())

"""Hostile pages under the `dom` check, graded for real under runc and gVisor. The page's scripts run in
Chromium's page; the DOM is read by our driver (the grader uid) in an isolated world over the browser's
debugging pipe. Whatever a page does (lie through the DOM's own functions, print a report, go to
another document, open windows, reach for the browser's machinery, never finish loading), it earns no
more than an honest wrong page, and always gets a plain verdict: never a grading error."""

from __future__ import annotations

import pytest

from grader.exercise import Exercise
from grader.grading import grade_submission
from grader.result import Result
from grader.runner import SandboxRunner
from tests.helpers.data import fixture_exercise

pytestmark = pytest.mark.docker

PAGE = """<!doctype html>
<html lang="en">
<head><title>Counter</title></head>
<body>
  <p>Count: <span id="count">0</span></p>
  <button id="add">Add one</button>
  <form id="name-form"><input id="name"> <button>Greet</button></form>
  <p id="greeting"></p>
  <script>{script}</script>
</body>
</html>
"""
FAKE_DOM = ('<html><body><span id="count">3</span><form id="name-form"></form>'
            '<p id="greeting">Hello, Ada!</p></body></html>')
LIES = f"""
const fake = '{FAKE_DOM}';
for (const proto of [Element.prototype, HTMLElement.prototype, HTMLHtmlElement.prototype]) {{
  Object.defineProperty(proto, "outerHTML", {{get() {{ return fake; }}, configurable: true}});
  Object.defineProperty(proto, "innerHTML", {{get() {{ return fake; }}, configurable: true}});
}}
Object.defineProperty(Node.prototype, "textContent", {{get() {{ return "3"; }}, configurable: true}});
Object.defineProperty(Document.prototype, "doctype", {{get() {{ return {{name: fake}}; }}}});
Document.prototype.querySelector = () => null;
HTMLElement.prototype.click = function () {{}};
HTMLFormElement.prototype.requestSubmit = function () {{}};
EventTarget.prototype.dispatchEvent = () => true;
window.requestAnimationFrame = () => 0;
window.setTimeout = () => 0;
console.log(JSON.stringify({{html: fake, errors: [], action_errors: []}}));
"""
ESCAPES = """
for (const url of ["chrome://version", "devtools://devtools/bundled/inspector.html", "file:///checks/",
                   "file:///proc/self/environ", "file:///opt/harness/browser_runner.py"]) {
  const frame = document.createElement("iframe");
  frame.src = url;
  document.body.appendChild(frame);
}
for (const name of ["cdp", "DevToolsAPI", "chrome", "process", "require"]) {
  if (window[name]) document.title += " " + name;
}
"""
OPENER = f"""
const popup = window.open("about:blank", "_blank");
if (popup) {{ popup.document.write('{FAKE_DOM}'); popup.opener.postMessage("{{\\"html\\": 1}}", "*"); }}
window.open("index.html?second");
if (window.opener) window.opener.postMessage("report", "*");
parent.postMessage("report", "*");
"""
NAVIGATES = """
document.querySelector("#add").addEventListener("click", () => { location.href = "chrome://version"; });
document.querySelector("#name-form").addEventListener("submit", () => {
  location.href = "devtools://devtools/bundled/inspector.html";
});
"""
NEVER_LOADED = """
let asked = 0;
function more() {
  const picture = new Image();
  picture.onload = picture.onerror = more;  // one picture always on its way: no load event, ever
  picture.src = "counter.js?" + asked++;
  document.body.append(picture);
}
more();
"""


@pytest.fixture(scope="module")
def counter() -> Exercise:
    """The fixture with time for a busy machine to start Chromium under gVisor (over 6 s at a load of 15,
    which made the step's own limit a grading error): a page is judged on what it does, never on how
    busy the machine is."""
    exercise = fixture_exercise("dom/counter")
    checks = tuple(check.model_copy(update={"timeout": 60}) for check in exercise.checks)
    limits = exercise.limits.model_copy(update={"time": 60})
    return exercise.model_copy(update={"checks": checks, "limits": limits})


def grade(runner: SandboxRunner, exercise: Exercise, script: str) -> Result:
    files = {"index.html": PAGE.format(script=script).encode(), "counter.js": b""}
    result = grade_submission(exercise, files, runner)
    assert result.status == "fail", f"a plain verdict, never a grading error: {result.message}"
    return result


@pytest.mark.parametrize("script", [LIES, ESCAPES, OPENER, NAVIGATES, NEVER_LOADED],
                         ids=["lies", "escapes", "opener", "navigates", "never-loaded"])
def test_a_page_earns_nothing_by_reaching_for_the_report(
    script: str, runtime_runner: SandboxRunner, counter: Exercise
) -> None:
    result = grade(runtime_runner, counter, script)
    clicks, greets = result.checks
    assert (clicks.status, clicks.score) == ("fail", 0.0), clicks
    assert greets.score < greets.max_score, greets
    assert all(test.status == "fail" for test in clicks.tests), clicks.tests
    said = [test.message for test in clicks.tests if test.name.startswith("The element matching `#count`")]
    assert said and 'says "0"' in said[0]  # what the page really shows, not what its functions claim

"""The harness's `browser` action (grader/harness/browser_runner.py, chromium.py, cdp.py), run for real
in the runner image: what it reports, that it stops itself before its step's time is up, and that
nothing of the browser outlives its step."""

from __future__ import annotations

import base64
import io
import json
import secrets
from typing import Any

import pytest
from PIL import Image

from grader.checks.base import Step, StepNeeds, StepOutput
from grader.checks.browser import BROWSER_MEMORY_MB, BROWSER_NOFILE, BROWSER_PIDS, SCREENSHOT
from grader.frames import RunEnding, parse_frames
from grader.plan import GradingPlan
from grader.runner import SandboxRunner
from sandbox import RunLimits

pytestmark = pytest.mark.docker

PAGE = """<!DOCTYPE html>
<html><head><style>h1 { color: #f00 } .menu { width: 420px; background: navy; color: white }</style></head>
<body><h1>Hello</h1><div class="menu">menu</div><button id="go">go</button><p id="msg"></p>
<script src="app.js"></script></body></html>"""
SCRIPT = """document.querySelector("#go").addEventListener("click", () => {
  document.querySelector("#msg").textContent = "Hi";
});
console.error("careful");
missing();
"""


def browser_params(**extra: Any) -> dict[str, Any]:
    return {
        "page": "index.html", "viewports": [{"width": 375, "height": 600}, {"width": 1200, "height": 600}],
        "actions": [{"click": "#go"}], "probes": [{"selector": "h1", "properties": ["color"]},
                                                  {"selector": ".menu", "properties": []}],
        "screenshot": SCREENSHOT, "budget_s": 8.5, **extra,
    }


def run_steps(runner: SandboxRunner, steps: list[tuple[str, str, dict[str, Any]]],
              files: dict[str, str], timeout_s: float = 9.0) -> dict[str, StepOutput]:
    sandbox, image = runner.get()
    needs = StepNeeds(pids=BROWSER_PIDS, memory_mb=BROWSER_MEMORY_MB, nofile=BROWSER_NOFILE)
    plan_steps = tuple(Step(i, a, p, timeout_s, needs) for i, a, p in steps)  # type: ignore[arg-type]
    limits = RunLimits(wall_s=timeout_s * len(steps) + 10, memory_mb=BROWSER_MEMORY_MB, pids=BROWSER_PIDS,
                       nofile=BROWSER_NOFILE, output_bytes=16 * 1024 * 1024)
    data = {path: text.encode() for path, text in files.items()}
    plan = GradingPlan(plan_steps, data, secrets.token_hex(16), limits, 64 * 1024)
    result = sandbox.run(plan.run_spec(image))
    frames = parse_frames(result.stdout_text(), plan.nonce, plan_steps, RunEnding(result.timed_out,
                                                                                  result.oom_killed))
    assert frames.started, result.stderr_text()
    return frames.outputs


def test_the_browser_reports_what_it_sees_at_each_viewport(grading_runner: SandboxRunner) -> None:
    outputs = run_steps(grading_runner, [("page", "browser", browser_params())],
                        {"index.html": PAGE, "app.js": SCRIPT})
    assert outputs["page"].status == "ok", outputs["page"]
    report = json.loads(outputs["page"].report)
    assert "fatal" not in report, report
    narrow, wide = report["viewports"]
    assert (narrow["viewport"], wide["viewport"]) == ("375x600", "1200x600")
    h1 = narrow["facts"]["elements"]["h1"]["items"][0]
    assert h1["style"] == {"color": "rgb(255, 0, 0)"} and h1["hidden"] == ""
    menu = narrow["facts"]["elements"][".menu"]["items"][0]
    assert menu["box"]["width"] == 420 and narrow["facts"]["page"]["width"] > 375  # it sticks out
    assert '<p id="msg">Hi</p>' in narrow["facts"]["html"]  # the click happened
    assert narrow["errors"] == ["careful", "ReferenceError: missing is not defined (app.js, line 5)"]
    picture = Image.open(io.BytesIO(base64.b64decode(narrow["screenshot"])))
    assert picture.format == "PNG" and picture.width == 375
    assert Image.open(io.BytesIO(base64.b64decode(wide["screenshot"]))).width == 1200  # at full size


def test_a_hung_page_is_reported_before_the_steps_time_is_up(grading_runner: SandboxRunner) -> None:
    params = browser_params(budget_s=3.0)
    outputs = run_steps(grading_runner, [("hung", "browser", params)],
                        {"index.html": PAGE, "app.js": "for (;;) {}"}, timeout_s=4.0)
    assert outputs["hung"].status == "ok" and outputs["hung"].duration_s < 4.0
    report = json.loads(outputs["hung"].report)
    assert report["fatal"] == "timeout" and report["viewports"][0]["phase"] == "loading"


REACH = """
import os
def uid(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("Uid:"):
            return int(line.split()[1])
browser = [p for p in os.listdir("/proc") if p.isdigit() and uid(p) == 61002]
refused = 0
for pid in browser:
    for reach in (lambda: os.kill(int(pid), 0), lambda: os.open(f"/proc/{pid}/fd/3", os.O_WRONLY),
                  lambda: os.open(f"/proc/{pid}/fd/4", os.O_RDONLY), lambda: os.open(f"/proc/{pid}/mem", 0)):
        try:
            reach()
        except PermissionError:
            refused += 1
try:
    os.listdir("/tmp/helper")
    home = "readable"
except PermissionError:
    home = "private"
print(len(browser) > 3, refused == 4 * len(browser), home, sorted(os.listdir("/tmp")))
"""


def test_the_browser_outlives_its_step_out_of_learner_programs_reach(grading_runner: SandboxRunner) -> None:
    """The submission's one browser serves its later page steps, so it stays up; it runs as the helper's
    uid, so a learner's program of a later step can neither signal it, nor write commands to it, nor read
    its replies or memory, nor its folder."""
    outputs = run_steps(grading_runner, [
        ("page", "browser", browser_params()),
        ("after", "exec", {"argv": ["python3", "-c", REACH], "stdin": ""}),
    ], {"index.html": PAGE, "app.js": SCRIPT})
    assert outputs["after"].status == "ok", outputs["after"]
    alive, refused, home, scratch = outputs["after"].stdout.split(" ", 3)
    assert (alive, refused, home) == ("True", "True", "private")
    assert scratch.strip() == "['helper']"  # nothing else of the step is left in /tmp


KEEPER = """<!DOCTYPE html><p id="seen"></p><script>
const seen = [localStorage.getItem("kept"), sessionStorage.getItem("kept"), window.name, document.cookie];
document.querySelector("#seen").textContent = "seen:" + seen.join(",");
localStorage.setItem("kept", "local"); sessionStorage.setItem("kept", "session"); window.name = "named";
document.cookie = "kept=cookie";
window.open("index.html?popup");
addEventListener("pagehide", () => {  // as the step leaves the page, after the harness cleared it
  localStorage.setItem("kept", "late"); sessionStorage.setItem("kept", "late"); window.name = "late";
});
</script>"""


def test_each_page_step_starts_from_a_clean_tab(grading_runner: SandboxRunner) -> None:
    """The page steps share one browser: nothing a page keeps (storage, session storage, its window's
    name, cookies, windows it opened) reaches the next step's page, nor the next viewport's."""
    dom = {"page": "index.html", "actions": [], "budget_s": 8.5}
    steps = [("first", "browser", browser_params(actions=[])), ("second", "dom", dom), ("third", "dom", dom)]
    outputs = run_steps(grading_runner, steps, {"index.html": KEEPER})
    for viewport in json.loads(outputs["first"].report)["viewports"]:
        assert "seen:,,," in viewport["facts"]["html"], viewport["facts"]["html"]
    for step in ("second", "third"):
        assert "seen:,,," in json.loads(outputs[step].report)["html"], outputs[step]


def test_under_memory_pressure_the_browser_dies_never_the_harness(grading_runner: SandboxRunner) -> None:
    """Chromium lowers its own OOM score (to 0 for itself, 200-300 for its tabs); the harness and init
    hold 0 and every step's program starts at 1000, so the kernel never picks the harness."""
    pile = "const pile = []; for (;;) pile.push(new Array(1e6).fill(Math.random()));"
    scores = ("def score(pid): return open(f'/proc/{pid}/oom_score_adj').read().strip()\n"
              "print(score('self'), score(1))\n")
    outputs = run_steps(grading_runner, [
        ("pile", "browser", browser_params(budget_s=5.0)),
        ("after", "exec", {"argv": ["python3", "-c", scores], "stdin": ""}),
    ], {"index.html": PAGE, "app.js": pile}, timeout_s=6.0)
    pile_report = json.loads(outputs["pile"].report or "{}")
    assert outputs["pile"].status == "memory" or pile_report.get("fatal") in ("crashed", "timeout")
    assert (outputs["after"].status, outputs["after"].stdout) == ("ok", "1000 0\n")

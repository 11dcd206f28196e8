"""Benchmark of the learner's workbench as a learner feels it, in Chromium: from pressing Send to the
result on the screen, and from pressing Run to the program's output on the screen, against `grader
serve` (gunicorn, a worker, the real engine) with the shipped curriculum.

    .venv/bin/python bench/workbench.py [--rounds 20] [--exercise python/02-greeting]

The target is Submit-to-result at most 1.0 s at the median for exercises without a browser check.
"of which grading" is the worker's own time for the grading (the result's duration_s); "the rest" is
what the site adds: the request, the queue, the push and the page. Figures are printed; nothing is
asserted (CI times nothing). The machine's load average is printed with them: on a shared machine,
read "the rest" first.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.workbench import log_in, set_code, shown_attempt  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD_LINE = re.compile(r"(\w+)\s+username: (\w+)\s+password: ([\w-]+)")
PROGRAMS = {
    "python/02-greeting": ('name = input("What is your name? ")\nfood = input("What food do you like? ")\n'
                           'print(f"Hello, {name}!")\nprint(f"{name} likes {food}.")\n', "Ann\npizza\n"),
    "python/01-hello-world": ('print("Hello, World!")\n', ""),
}
SENT = """([before, started]) => { const panel = document.getElementById('result-panel');
  const done = panel.dataset.submission && panel.dataset.submission !== before
    && ['done', 'error'].includes(panel.dataset.status);
  return done ? performance.now() - started : false; }"""
RAN = """([before, started]) => { const run = document.querySelector('#run-panel .run-result');
  const done = run && run.dataset.run !== before && ['done', 'error'].includes(run.dataset.status);
  return done ? performance.now() - started : false; }"""


def start_site(port: int) -> tuple[subprocess.Popen[bytes], str, Path]:
    instance = Path(tempfile.mkdtemp(prefix="bench-workbench-"))
    env = {**os.environ, "GRADER_INSTANCE": str(instance), "GRADER_SUBMIT_COOLDOWN_S": "0",
           "GRADER_RUN_COOLDOWN_S": "0", "PYTHONUNBUFFERED": "1"}
    log = instance / "serve.log"
    command = [sys.executable, "-m", "cli", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
               "--preview-port", str(port + 1)]
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
            break
        except OSError:
            time.sleep(0.1)
    found = (PASSWORD_LINE.search(line) for line in log.read_text().splitlines())
    password = next(match.group(3) for match in found if match and match.group(2) == "learner")
    return server, password, instance


def timed(page: object, script: str, before: str | None, click: str) -> float:
    started = page.evaluate("performance.now()")  # type: ignore[attr-defined]
    page.click(click)  # type: ignore[attr-defined]
    handle = page.wait_for_function(script, arg=[before, started], timeout=120_000)  # type: ignore[attr-defined]
    return float(handle.json_value()) / 1000


def figures(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"  {name:<18} n={len(values):>3}  p50={statistics.median(values):5.2f} s  p95={p95:5.2f} s  "
            f"min={ordered[0]:5.2f} s  max={ordered[-1]:5.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--exercise", default="python/02-greeting", choices=sorted(PROGRAMS))
    parser.add_argument("--port", type=int, default=18700)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server, password, _ = start_site(args.port)
    base = f"http://127.0.0.1:{args.port}"
    program, stdin = PROGRAMS[args.exercise]
    submit: list[float] = []
    grading: list[float] = []
    run: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            log_in(page, base, "learner", password)
            page.goto(f"{base}/exercises/{args.exercise}")
            set_code(page, program)
            page.fill("#stdin", stdin)
            timed(page, SENT, shown_attempt(page), "#send")  # warm-up: the worker's first containers
            timed(page, RAN, None, "#run-button")
            for round_number in range(args.rounds):
                set_code(page, program + f"# round {round_number}\n")
                submit.append(timed(page, SENT, shown_attempt(page), "#send"))
                answer = page.request.get(f"{base}/api/submissions/{shown_attempt(page)}").json()
                grading.append(float(answer["result"]["duration_s"]))
                last = page.locator("#run-panel .run-result").get_attribute("data-run")
                run.append(timed(page, RAN, last, "#run-button"))
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    load = os.getloadavg()[0]
    print(f"{args.exercise}, {args.rounds} rounds, one learner, {os.cpu_count()} cores (load {load:.1f}), "
          "in Chromium (press to shown):")
    print(figures("Send -> result", submit))
    print(figures("  of which grading", grading))
    print(figures("  and the rest", [total - graded for total, graded in zip(submit, grading, strict=True)]))
    print(figures("Run -> output", run))


if __name__ == "__main__":
    main()

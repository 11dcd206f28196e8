"""Benchmark: how long grading takes, submission in, result out, on a warm engine.

    .venv/bin/python bench/grade.py [--runs 20] [--pool 2] [--case "css applied"]

For a small pytest exercise, html with css judged on its text (on the host), html with css judged as
the browser applies it (one Chromium step for the page), a dom exercise, a Flask http exercise, a
browser check (two window sizes, a picture at each) of a small page (the golden fixtures under
tests/data/exercises, one check each where the fixture has more), and the shipped exercise with the
most browser checks (javascript/07-events: 4 checks, a picture at 2 window sizes), it grades the
passing submission `--runs` times with `grade_submission` and a warm `SandboxRunner` (a pool of
ready containers), beside a bare `docker run --rm IMAGE true` measured in the same run. It prints
p50/p95 against the targets, and where the time goes: in the container (from the payload sent to the
last frame read) and inside it (the steps as the harness timed them).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.browser.references import ReferenceStore  # noqa: E402
from grader.exercise import Exercise, load_exercise  # noqa: E402
from grader.grading import grade_submission  # noqa: E402
from grader.intake import read_submission_folder  # noqa: E402
from grader.runner import SandboxRunner  # noqa: E402
from grader.runner_image import runner_plan  # noqa: E402
from sandbox import RunResult, RunSpec, Sandbox, SandboxSettings  # noqa: E402

EXERCISES = ROOT / "tests" / "data" / "exercises"
SHIPPED = ROOT / "exercises"
GOLDEN = ROOT / "tests" / "data" / "golden"
FRAME = re.compile(r"^\x1eGRADER \S+ (\{.*\})$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    name: str
    exercise: str
    submission: str
    target_s: float
    checks: int | None = 1
    """How many of the exercise's checks to keep (None: all of them)."""
    shipped: bool = False
    """An exercise of the shipped curriculum (exercises/), graded with its solution/."""


CASES = (
    Case("pytest", "pytest/shout", "pytest/pass", 0.45),
    Case("html+css text", "css/golden-sheet", "css/sheet-pass", 0.35, checks=None),
    Case("css applied", "css/card", "css/pass", 1.5, checks=None),
    Case("dom", "dom/counter", "dom/pass", 0.6),
    Case("http (Flask)", "http/notes", "http/pass", 1.2),
    Case("browser", "browser/cards", "browser/equivalent-hex", 1.5),
    Case("js/07-events", "javascript/07-events", "", 1.5, checks=None, shipped=True),
)
REFERENCES = ReferenceStore(Path(tempfile.mkdtemp(prefix="bench-references-")))
"""The model solution's pictures, made during the warm-up (once per exercise version, as in service)."""


@dataclass
class Timings:
    total: list[float] = field(default_factory=list)
    container: list[float] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)


class TimedSandbox:
    """The sandbox, recording how long each run took and what its harness reported per step."""

    def __init__(self, sandbox: Sandbox, timings: Callable[[], Timings]) -> None:
        self._sandbox = sandbox
        self._timings = timings

    def run(self, spec: RunSpec) -> RunResult:
        result = self._sandbox.run(spec)
        timings = self._timings()
        timings.container.append(result.duration_s)
        frames = [json.loads(match) for match in FRAME.findall(result.stdout_text())]
        timings.steps.append(sum(float(frame.get("duration_s", 0.0)) for frame in frames))
        return result


class TimedRunner(SandboxRunner):
    def __init__(self, settings: SandboxSettings) -> None:
        super().__init__(settings)
        self.current = Timings()

    def get(self) -> tuple[Sandbox, str]:
        sandbox, image = super().get()
        return TimedSandbox(sandbox, lambda: self.current), image  # type: ignore[return-value]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bare_docker_run(image: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(["docker", "run", "--rm", "--network", "none", image, "true"], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.monotonic() - started)
    return times


def load_case(case: Case) -> tuple[Exercise, Mapping[str, bytes]]:
    root = SHIPPED if case.shipped else EXERCISES
    exercise = load_exercise(root / case.exercise, root)
    if case.checks is not None:
        exercise = exercise.model_copy(update={"checks": exercise.checks[: case.checks]})
    folder = root / case.exercise / "solution" if case.shipped else GOLDEN / case.submission / "submission"
    files = read_submission_folder(folder, exercise.files)
    return exercise, files


def measure(runner: TimedRunner, case: Case, runs: int, warmup: int) -> Timings:
    exercise, files = load_case(case)
    for _ in range(warmup):
        grade_submission(exercise, files, runner, REFERENCES)
    runner.current = Timings()
    for _ in range(runs):
        started = time.monotonic()
        result = grade_submission(exercise, files, runner, REFERENCES)
        runner.current.total.append(time.monotonic() - started)
        if result.status != "pass":
            raise SystemExit(f"{case.name}: the passing submission graded {result.status}: {result.message}")
        time.sleep(0.05)  # as submissions arrive: let the pool start the next ready container
    return runner.current


def row(name: str, values: list[float], target: float | None = None, extra: str = "") -> str:
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    verdict = "" if target is None else ("ok" if p50 <= target else "MISSED")
    goal = "" if target is None else f"{target:.2f}"
    return f"{name:<14} {p50:>7.3f} {p95:>7.3f} {goal:>7} {verdict:>7}  {extra}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="gradings per exercise (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="gradings before measuring (default 3)")
    parser.add_argument("--pool", type=int, default=2, help="ready containers kept (default 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--case", action="append", choices=[case.name for case in CASES],
                        help="measure only this case (repeatable; default: every case)")
    args = parser.parse_args(argv)

    runner = TimedRunner(SandboxSettings(pool_size=args.pool))
    try:
        runner.get()
        image = runner_plan().tag
        results: dict[str, Any] = {}
        print(f"{'':<14} {'p50 s':>7} {'p95 s':>7} {'target':>7} {'':>7}  where (p50): container, steps")
        bare = bare_docker_run(image, args.runs)
        print(row("docker run", bare, extra="a bare `docker run --rm IMAGE true`"), flush=True)
        results["docker run"] = {"p50": statistics.median(bare), "p95": percentile(bare, 0.95)}
        for case in (case for case in CASES if not args.case or case.name in args.case):
            timings = measure(runner, case, args.runs, args.warmup)
            where = (
                f"{statistics.median(timings.container):.3f}, {statistics.median(timings.steps):.3f}"
                if timings.container else "no container (judged on the host)"
            )
            print(row(case.name, timings.total, case.target_s, where), flush=True)
            results[case.name] = {
                "p50": statistics.median(timings.total), "p95": percentile(timings.total, 0.95),
                "target": case.target_s,
                "container_p50": statistics.median(timings.container) if timings.container else None,
                "steps_p50": statistics.median(timings.steps) if timings.steps else None,
            }
    finally:
        runner.close()
    if args.json:
        print(json.dumps(results, indent=2))
    missed = [name for name, r in results.items() if "target" in r and r["p50"] > r["target"]]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

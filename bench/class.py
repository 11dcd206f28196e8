"""A class at work: 15 simulated learners go through a mix of the shipped exercises against a real
`grader worker` (the one `grader serve` starts beside the site), each submitting after a short think
time and waiting for the result before going on. Most attempts are the solution; some are a wrong
attempt (from the exercise's wrong/ folder, else its starter) and a few are a Python program that never
ends. It prints, for each kind of exercise, p50/p95 from Submit (the row committed and the token
enqueued, as the site does) to the result, the slowest exercise, and the endless ones against their
time limit. Targets on 2 cores: p95 <= 3 s for every kind; an endless program within its limit + 2 s.

    .venv/bin/python bench/class.py [--learners 15] [--rounds 6] [--think 2-8] [--slots N]

One-machine layout: SQLite database and queue, the local Docker engine, the runner image built.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from grader.exercise import Exercise as LoadedExercise  # noqa: E402
from grader.exercise import load_exercise  # noqa: E402
from grader.grading import judged_on_host  # noqa: E402
from sandbox import SandboxSettings  # noqa: E402
from service.queue import GradingQueue, make_queue  # noqa: E402
from store.db import make_engine, session_factory, upgrade_database  # noqa: E402
from store.models import Submission, User  # noqa: E402

EXERCISES = ROOT / "exercises"
TARGET_P95_S = 3.0
ENDLESS_MARGIN_S = 2.0
POLL_S = 0.05
ENDLESS = {"python/02-greeting": {"greet.py": "name = input()\nwhile True:\n    name = name + ''\n"}}
PAGE_KINDS = {"browser", "dom"}


@dataclass(frozen=True)
class Exercise:
    key: str
    kind: str
    limit_s: float
    solution: dict[str, str]
    wrong: dict[str, str]


def kind_of(exercise: LoadedExercise) -> str:
    """The kind of exercise, by the heaviest work its checks do."""
    check_kinds = {check.kind for check in exercise.checks}
    if judged_on_host(exercise, SandboxSettings().limits):
        return "html (host)"
    if check_kinds & PAGE_KINDS:
        return "page (browser, dom)"
    if "http" in check_kinds:
        return "flask (http)"
    if "node" in check_kinds:
        return "javascript (node)"
    if check_kinds & {"pytest", "io", "script"}:
        return "python (pytest, io)"
    return "css (browser)"


def files_in(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def shipped() -> list[Exercise]:
    found = []
    for folder in sorted(EXERCISES.glob("*/*/exercise.yaml")):
        folder = folder.parent
        exercise = load_exercise(folder)
        wrongs = sorted(p for p in (folder / "wrong").glob("*") if p.is_dir())
        wrong = files_in(wrongs[0]) if wrongs else files_in(folder / "starter")
        learners = set(exercise.files)  # a wrong case's expect.yaml is no learner's file
        found.append(Exercise(f"{folder.parent.name}/{folder.name}", kind_of(exercise),
                              float(exercise.limits.time), files_in(folder / "solution"),
                              {path: text for path, text in wrong.items() if path in learners}))
    return found


@dataclass
class Outcome:
    exercise: Exercise
    attempt: str  # solution | wrong | endless
    seconds: float
    grading: float
    """Of which grading itself (the result's duration_s): the rest is the wait for a slot."""
    status: str
    full_marks: bool


class Classroom:
    def __init__(self, folder: Path, learners: int) -> None:
        database = f"sqlite:///{folder / 'grader.db'}"
        self.queue_url = f"sqlite:///{folder / 'queue.db'}"
        upgrade_database(database)
        self.sessions: sessionmaker[Session] = session_factory(make_engine(database))
        self.env = {**os.environ, "GRADER_INSTANCE": str(folder), "GRADER_DATABASE_URL": database,
                    "GRADER_QUEUE_URL": self.queue_url, "GRADER_EXERCISES": str(EXERCISES),
                    "GRADER_SECRET_KEY": "bench-" + "x" * 40}
        self.folder = folder
        with self.sessions() as session:
            users = [User(username=f"learner{n}", display_name=f"Learner {n}", password_hash="-")
                     for n in range(learners)]
            session.add_all(users)
            session.commit()
            self.learners = [user.id for user in users]
        self.outcomes: list[Outcome] = []
        self.waiting: dict[int, threading.Event] = {}
        self.lock = threading.Lock()

    def worker(self, slots: int | None) -> subprocess.Popen[bytes]:
        log_path = self.folder / "worker.log"
        argv = [sys.executable, "-m", "cli", "worker"] + (["--slots", str(slots)] if slots else [])
        process = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=log_path.open("ab"),
                                   stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while "grading with" not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start; see {log_path}")
            time.sleep(0.1)
        return process

    def grade(self, queue: GradingQueue, learner: int, exercise: Exercise, attempt: str,
              files: dict[str, str]) -> None:
        started = time.monotonic()
        with self.sessions() as session:
            row = Submission(user_id=learner, exercise_key=exercise.key, files=files, status="queued")
            session.add(row)
            session.commit()
            sid = row.id
        finished = threading.Event()
        with self.lock:
            self.waiting[sid] = finished
        queue.enqueue(sid)
        finished.wait()
        seconds = time.monotonic() - started
        with self.sessions() as session:
            row = session.scalars(select(Submission).where(Submission.id == sid)).one()
            full = row.score is not None and row.score == row.max_score
            grading = float(row.result["duration_s"]) if row.result else 0.0
            outcome = Outcome(exercise, attempt, seconds, grading, row.status, full)
        with self.lock:
            self.outcomes.append(outcome)

    def watch(self, stop: threading.Event) -> None:
        """One reader for every learner's waiting attempt, as the site's push channel is one reader of
        the change feed: the learners' polling must not load the machine it measures."""
        while not stop.is_set():
            with self.lock:
                ids = list(self.waiting)
            if ids:
                with self.sessions() as session:
                    done = session.scalars(select(Submission.id).where(
                        Submission.id.in_(ids), Submission.status.not_in(("queued", "running")))).all()
                with self.lock:
                    for sid in done:
                        self.waiting.pop(sid).set()
            time.sleep(POLL_S)

    def learner(self, number: int, exercises: list[Exercise], rounds: int, think: tuple[float, float],
                seed: int) -> None:
        chance = random.Random(seed)
        queue = make_queue(self.queue_url)
        for attempt in range(rounds):
            exercise = chance.choice(exercises)
            time.sleep(chance.uniform(*think))
            roll = chance.random()
            if number == 0 and attempt == 0:  # at least one endless program in every run
                exercise = next(e for e in exercises if e.key in ENDLESS)
                self.grade(queue, self.learners[number], exercise, "endless", ENDLESS[exercise.key])
            elif exercise.key in ENDLESS and roll < 0.5:
                self.grade(queue, self.learners[number], exercise, "endless", ENDLESS[exercise.key])
            elif roll < 0.2:
                self.grade(queue, self.learners[number], exercise, "wrong", exercise.wrong)
            else:
                self.grade(queue, self.learners[number], exercise, "solution", exercise.solution)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def report(outcomes: list[Outcome]) -> bool:
    graded = [o for o in outcomes if o.attempt != "endless"]
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in graded:
        by_kind[outcome.exercise.kind].append(outcome)
    met = True
    target = f"target p95 <= {TARGET_P95_S:g} s"
    print(f"{'kind of exercise':<22} {'n':>4} {'p50':>7} {'p95':>7}  {target:<22} grading itself p50 / p95")
    for kind, outcomes_of_kind in sorted(by_kind.items()):
        times = [o.seconds for o in outcomes_of_kind]
        gradings = [o.grading for o in outcomes_of_kind]
        p95 = percentile(times, 0.95)
        met &= p95 <= TARGET_P95_S
        print(f"{kind:<22} {len(times):>4} {statistics.median(times):>6.2f}s {p95:>6.2f}s  "
              f"{'met' if p95 <= TARGET_P95_S else 'MISSED':<22} "
              f"{statistics.median(gradings):.2f} / {percentile(gradings, 0.95):.2f} s")
    everything = [o.seconds for o in graded]
    print(f"{'all':<22} {len(everything):>4} {statistics.median(everything):>6.2f}s "
          f"{percentile(everything, 0.95):>6.2f}s")
    by_exercise: dict[str, list[float]] = defaultdict(list)
    for outcome in graded:
        by_exercise[outcome.exercise.key].append(outcome.seconds)
    slowest = max(by_exercise, key=lambda key: statistics.median(by_exercise[key]))
    print(f"slowest exercise: {slowest}, median {statistics.median(by_exercise[slowest]):.2f} s "
          f"over {len(by_exercise[slowest])} attempts")
    for outcome in (o for o in outcomes if o.attempt == "endless"):
        bound = outcome.exercise.limit_s + ENDLESS_MARGIN_S
        met &= outcome.seconds <= bound
        print(f"endless program at {outcome.exercise.key}: {outcome.seconds:.2f} s "
              f"(limit {outcome.exercise.limit_s:g} s; target <= {bound:g} s)")
    wrong_verdicts = [o for o in outcomes if o.status != "done" or (o.attempt == "solution") != o.full_marks]
    for outcome in wrong_verdicts:
        print(f"UNEXPECTED: {outcome.exercise.key} {outcome.attempt}: {outcome.status}, "
              f"full marks {outcome.full_marks}")
    return met and not wrong_verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=6, help="attempts per learner")
    parser.add_argument("--think", default="2-8", help="seconds between a result and the next Submit")
    parser.add_argument("--slots", type=int, default=None, help="worker slots (default: the worker's own)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))
    exercises = shipped()
    with tempfile.TemporaryDirectory(prefix="grader-class-") as folder:
        classroom = Classroom(Path(folder), args.learners)
        worker = classroom.worker(args.slots)
        try:
            time.sleep(3)  # its ready containers start, as on a worker that has been up a while
            stop = threading.Event()
            watcher = threading.Thread(target=classroom.watch, args=(stop,), daemon=True)
            watcher.start()
            started = time.monotonic()
            learners = [threading.Thread(target=classroom.learner,
                                         args=(n, exercises, args.rounds, think, args.seed * 1000 + n))
                        for n in range(args.learners)]
            for thread in learners:
                thread.start()
            for thread in learners:
                thread.join()
            elapsed = time.monotonic() - started
            stop.set()
        finally:
            worker.terminate()
            worker.wait(timeout=120)
        print(f"{args.learners} learners x {args.rounds} attempts in {elapsed:.0f} s, think {args.think} s; "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        ok = report(classroom.outcomes)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()

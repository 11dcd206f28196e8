"""A class presses Submit at once: 30 submissions of a Python exercise enqueued together, graded by
a real `grader worker` with 1 and then 2 slots; then the latency of one submission sent after the
queue has been idle for a minute (enqueue to result). One-machine layout: SQLite database, SQLite
queue, the local Docker engine. Targets on a 2-core machine: burst within 15 s, idle latency 1.0 s.

    .venv/bin/python bench/burst.py [--exercise DIR] [--count 30] [--idle 60]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from service.queue import make_queue  # noqa: E402
from store.db import make_engine, session_factory, upgrade_database  # noqa: E402
from store.models import Submission, User  # noqa: E402

CANDIDATES = (ROOT / "exercises/python/two-fer", ROOT / "tests/data/exercises/python/two-fer")


class Bench:
    def __init__(self, exercise: Path, folder: Path) -> None:
        self.key = f"{exercise.parent.name}/{exercise.name}"
        self.solution = {p.relative_to(exercise / "solution").as_posix(): p.read_text()
                         for p in (exercise / "solution").rglob("*") if p.is_file()}
        database = f"sqlite:///{folder / 'grader.db'}"
        self.queue = f"sqlite:///{folder / 'queue.db'}"
        upgrade_database(database)
        self.sessions: sessionmaker[Session] = session_factory(make_engine(database))
        self.env = {**os.environ, "GRADER_INSTANCE": str(folder), "GRADER_DATABASE_URL": database,
                    "GRADER_QUEUE_URL": self.queue, "GRADER_EXERCISES": str(exercise.parent.parent),
                    "GRADER_SECRET_KEY": "bench-" + "x" * 40}
        self.folder = folder
        with self.sessions() as session:
            users = [User(username=f"learner{n}", display_name=f"Learner {n}", password_hash="-")
                     for n in range(40)]
            session.add_all(users)
            session.commit()
            self.learners = [user.id for user in users]

    def worker(self, slots: int) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker-{slots}.log").open("ab")
        process = subprocess.Popen([sys.executable, "-m", "cli", "worker", "--slots", str(slots)],
                                   env=self.env,
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while "grading with" not in (self.folder / f"worker-{slots}.log").read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start; see {self.folder / f'worker-{slots}.log'}")
            time.sleep(0.1)
        time.sleep(3)  # let its ready containers start, as they have on a worker that has been up a while
        return process

    def submit(self, count: int) -> tuple[list[int], float]:
        """Store `count` submissions (one per learner) and enqueue them; returns ids and start time."""
        started = time.monotonic()
        with self.sessions() as session:
            rows = [Submission(user_id=self.learners[n % len(self.learners)], exercise_key=self.key,
                               files=self.solution, status="queued") for n in range(count)]
            session.add_all(rows)
            session.commit()
            ids = [row.id for row in rows]
        queue = make_queue(self.queue)
        for sid in ids:
            queue.enqueue(sid)
        return ids, started

    def wait(self, ids: list[int], started: float, timeout_s: float = 300) -> float:
        while True:
            with self.sessions() as session:
                left = session.scalar(select(func.count()).select_from(Submission).where(
                    Submission.id.in_(ids), Submission.status.in_(("queued", "running"))))
            if not left:
                return time.monotonic() - started
            if time.monotonic() - started > timeout_s:
                raise SystemExit(f"{left} of {len(ids)} submissions not graded after {timeout_s} s")
            time.sleep(0.01)

    def check(self, ids: list[int]) -> list[float]:
        with self.sessions() as session:
            rows = session.scalars(select(Submission).where(Submission.id.in_(ids))).all()
        wrong = [row.id for row in rows if row.status != "done" or row.score != row.max_score]
        if wrong:
            raise SystemExit(f"submissions {wrong} did not get full marks: see {self.folder}")
        return [float(row.result["duration_s"]) for row in rows if row.result]


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exercise", type=Path, default=next((c for c in CANDIDATES if c.is_dir()), None))
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of quiet before the single one")
    args = parser.parse_args()
    if args.exercise is None or not (args.exercise / "solution").is_dir():
        raise SystemExit("give --exercise: a Python exercise folder with a solution/")
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as folder:
        bench = Bench(args.exercise.resolve(), Path(folder))
        figures = []
        for slots in (1, 2):
            worker = bench.worker(slots)
            try:
                ids, started = bench.submit(args.count)
                elapsed = bench.wait(ids, started)
                grading = bench.check(ids)
                overhead_ms = 1000 * (elapsed * slots - sum(grading)) / len(grading)
                figures.append(f"burst of {args.count}, {slots} slot(s): {elapsed:6.2f} s "
                               f"(grading one: median {statistics.median(grading):.2f} s; queue and "
                               f"database: {overhead_ms:.0f} ms of slot time per submission)")
                print(figures[-1], flush=True)
                if slots == 2:
                    print(f"idle for {args.idle:.0f} s ...", flush=True)
                    time.sleep(args.idle)
                    ids, started = bench.submit(1)
                    latency = bench.wait(ids, started)
                    (grading_s,) = bench.check(ids)
                    figures.append(f"one submission after {args.idle:.0f} s idle: {latency:6.2f} s "
                                   f"enqueue to result (grading itself {grading_s:.2f} s)")
                    print(figures[-1], flush=True)
            finally:
                stop(worker)
        print(f"\n{args.exercise}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        print("\n".join(figures))


if __name__ == "__main__":
    main()

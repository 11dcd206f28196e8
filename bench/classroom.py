"""Benchmark of the classroom view: how long the instructor's page and its live panels take for a class
of N learners who worked through a 70-exercise catalogue, with A attempts each on every exercise tried.

    .venv/bin/python bench/classroom.py [--learners 15] [--attempts 4] [--tried 50] [--runs 20]

The panels are fetched again after every grading (a burst of gradings becomes one fetch per page), so
they must stay cheap: the target is p95 < 150 ms for /teach/panels for 15 learners and 70 exercises on
a quiet machine. Prints wall-clock p50/p95 and the CPU time per request (steadier on a busy machine);
times nothing in CI.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Settings  # noqa: E402
from store.catalog_sync import sync_catalog  # noqa: E402
from store.db import make_engine, session_factory, upgrade_database  # noqa: E402
from store.failed_checks import failed_checks  # noqa: E402
from store.models import Submission, User, utcnow  # noqa: E402
from tests.helpers.classroom import result, write_catalogue  # noqa: E402
from web import create_app  # noqa: E402
from web.accounts import create_user  # noqa: E402

PASSWORD = "bench password 1"


def seed(folder: Path, learners: int, attempts: int, tried: int) -> tuple[Settings, int]:
    exercises = write_catalogue(folder / "exercises")
    settings = Settings.for_tests(folder, exercises=exercises)
    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    now = utcnow()
    rows = 0
    with session_factory(engine)() as session:
        sync_catalog(session, exercises)
        create_user(session, "ines", "Ines", "instructor", PASSWORD)
        found = exercises.glob("*/*/exercise.yaml")
        keys = sorted(path.parent.relative_to(exercises).as_posix() for path in found)
        for n in range(learners):
            user = User(username=f"learner{n:02d}", display_name=f"Learner {n}", password_hash="-",
                        last_login_at=now - timedelta(hours=1))
            session.add(user)
            session.flush()
            for e, key in enumerate(keys[: tried - n % 7]):
                for a in range(attempts):
                    outcome = "p" if a == attempts - 1 and (n + e) % 5 else ("f", "h")[(n + a) % 2]
                    data = result(key, outcome)
                    at = now - timedelta(minutes=(len(keys) - e) * 30 - a * 3)
                    session.add(Submission(
                        user_id=user.id, exercise_key=key, files={"greet.py": "print(1)\n"}, status="done",
                        result=data, score=data["score"], max_score=2.0, failed_checks=failed_checks(data),
                        created_at=at, finished_at=at))
                    rows += 1
        session.commit()
    engine.dispose()
    return settings, rows


def timed(client: object, url: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each request (CPU time hardly changes on a busy machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)  # type: ignore[attr-defined]
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        assert response.status_code == 200, response.status_code
    return sorted(wall), sorted(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=15)
    parser.add_argument("--attempts", type=int, default=4)
    parser.add_argument("--tried", type=int, default=50, help="exercises each learner tried (of 70)")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings, rows = seed(Path(folder), options.learners, options.attempts, options.tried)
        app = create_app(settings)
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = login.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"csrf_token": token, "username": "ines", "password": PASSWORD})
        print(f"{options.learners} learners, 70 exercises, {rows} graded attempts")
        for name, url in (("page", "/teach/"), ("panels", "/teach/panels"), ("panels, a track open",
                                                                             "/teach/panels?open=python")):
            wall, cpu = timed(client, url, options.runs)
            p95 = wall[max(0, round(0.95 * len(wall)) - 1)]
            print(f"{name:>22}: p50 {1000 * statistics.median(wall):6.1f} ms   p95 {1000 * p95:6.1f} ms   "
                  f"CPU p50 {1000 * statistics.median(cpu):6.1f} ms")


if __name__ == "__main__":
    main()

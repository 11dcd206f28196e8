"""Benchmark of the classroom site: N simulated learners browse and submit for S seconds against
`grader serve` (gunicorn), and the page latencies (p50/p95) and server errors are printed.

    .venv/bin/python bench/site.py [--learners 30] [--seconds 60] [--with-worker]

Grading is excluded by default (no worker: submissions wait in the queue, as in a burst); the
target is p95 < 100 ms for pages and no 5xx at all. Half the submitting pages also wait for their
result on an event stream (web/events.py), held for up to PUSH_HOLD_S: "events" is the time to its
first event; pages must keep their p95 while the streams take their share of the site's threads.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Settings  # noqa: E402
from grader.catalog import scan_catalog  # noqa: E402
from store.db import make_engine, session_factory, upgrade_database  # noqa: E402
from web.accounts import create_user  # noqa: E402

PASSWORD = "bench password 1"
PUSH_HOLD_S = 10.0
PUSH = True
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.codes: dict[int, int] = defaultdict(int)
        self.failures: list[str] = []

    def record(self, kind: str, started: float, response: requests.Response) -> None:
        with self.lock:
            self.latency[kind].append(time.perf_counter() - started)
            self.codes[response.status_code] += 1


def log_in(number: int, base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login")
    session.post(f"{base}/login", data={"csrf_token": CSRF.search(page.text).group(1),  # type: ignore[union-attr]
                                        "username": f"bench{number:02d}", "password": PASSWORD})
    return session


def learner(number: int, session: requests.Session, base: str, keys: list[str], stop: float,
            stats: Stats) -> None:
    try:
        browse(number, session, base, keys, stop, stats)
    except requests.RequestException as error:
        with stats.lock:
            stats.failures.append(f"learner {number}: {error}")


def browse(number: int, session: requests.Session, base: str, keys: list[str], stop: float,
           stats: Stats) -> None:
    rng = random.Random(number)
    submitted: list[str] = []
    while time.monotonic() < stop:
        key = rng.choice(keys)
        for url in ("/", f"/exercises/{key}"):
            started = time.perf_counter()
            response = session.get(base + url)
            stats.record("page", started, response)
        if rng.random() < 0.3:
            token = CSRF.search(response.text).group(1)  # type: ignore[union-attr]
            started = time.perf_counter()
            sent = session.post(f"{base}/exercises/{key}/submit", allow_redirects=False,
                                data={"csrf_token": token, "file-0": f"print({number})\n"})
            stats.record("submit", started, sent)
            again = session.get(base + f"/exercises/{key}").text
            latest = re.search(r'Attempt <a href="/submissions/(\d+)"', again)
            if latest:
                submitted.append(latest.group(1))
        for submission in submitted[-1:]:
            started = time.perf_counter()
            stats.record("api", started, session.get(f"{base}/api/submissions/{submission}"))
        if PUSH and submitted and rng.random() < 0.5:  # the page waits for the result to be pushed
            waiting = threading.Thread(target=wait_for_push, args=(session, base, submitted[-1], stop, stats),
                                       daemon=True)
            waiting.start()
        time.sleep(rng.uniform(0.5, 2.0))  # reading and typing


def wait_for_push(session: requests.Session, base: str, submission: str, stop: float, stats: Stats) -> None:
    """What an exercise page does after Send: an event stream (web/events.py), held while it waits
    (here at most PUSH_HOLD_S: without a worker nothing is ever graded). Its first event is timed."""
    started = time.perf_counter()
    try:
        url = f"{base}/events?watch=submission:{submission}"
        with session.get(url, stream=True, timeout=(5, 30)) as response:
            chunks = response.iter_content(chunk_size=None)
            next(chunks, b"")
            stats.record("events", started, response)
            ends = time.monotonic() + PUSH_HOLD_S
            for _ in chunks:
                if time.monotonic() > ends:
                    break
    except requests.RequestException as error:
        if time.monotonic() < stop:  # after the end, the server stopping cuts the streams: no failure
            with stats.lock:
                stats.failures.append(f"event stream: {error}")


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Request times from gunicorn's access log, by the same kinds as the client's."""
    times: dict[str, list[float]] = defaultdict(list)
    line_format = re.compile(r'"(GET|POST) (\S+) [^"]*" (\d+) \S+ (\d+)us$')
    for line in access_log.read_text().splitlines():
        match = line_format.search(line)
        if not match or match.group(2).startswith(("/login", "/static", "/events")):
            continue
        method, path = match.group(1), match.group(2)
        kind = "api" if path.startswith("/api/") else "submit" if method == "POST" else "page"
        times[kind].append(int(match.group(4)) / 1e6)
    return times


def report(latency: dict[str, list[float]]) -> None:
    for kind, values in sorted(latency.items()):
        print(f"    {kind:<7} n={len(values):>5}  p50={percentile(values, 0.5):6.1f} ms  "
              f"p95={percentile(values, 0.95):6.1f} ms  mean={statistics.mean(values) * 1000:6.1f} ms")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--with-worker", action="store_true", help="Grade the submissions too.")
    parser.add_argument("--no-push", action="store_true", help="No page waits on an event stream.")
    args = parser.parse_args()
    global PUSH
    PUSH = not args.no_push
    instance = Path(tempfile.mkdtemp(prefix="bench-site-"))
    env = {**os.environ, "GRADER_INSTANCE": str(instance), "PYTHONUNBUFFERED": "1"}
    settings = Settings.from_env(env)
    upgrade_database(settings.database_url)
    with session_factory(make_engine(settings.database_url))() as session:
        for number in range(args.learners):
            create_user(session, f"bench{number:02d}", f"Bench Learner {number}", "learner", PASSWORD)
        session.commit()
    keys = [exercise.key for exercise in scan_catalog(settings.exercises).catalog.exercises()]
    access_log = instance / "access.log"
    command = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(args.port),
               "--preview-port", str(args.port + 1), "--access-log", str(access_log)]
    command += [] if args.with_worker else ["--no-worker"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{base}/login", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        stats = Stats()
        started = time.perf_counter()
        sessions = [log_in(n, base) for n in range(args.learners)]  # logins hash passwords: not timed
        print(f"  {args.learners} logins took {time.perf_counter() - started:.1f} s")
        stop = time.monotonic() + args.seconds
        threads = [threading.Thread(target=learner, args=(n, sessions[n], base, keys, stop, stats))
                   for n in range(args.learners)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"{args.learners} learners for {args.seconds:g} s on {os.cpu_count()} cores, "
          f"{len(keys)} exercises")
    print("  as the simulated browsers saw it (client and server share this machine's cores):")
    report(stats.latency)
    print("  inside the server (gunicorn's own request time, logins excluded):")
    report(server_times(access_log))
    errors = sum(count for code, count in stats.codes.items() if code >= 500)
    print(f"  status codes: {dict(sorted(stats.codes.items()))}; 5xx: {errors}")
    for failure in stats.failures:
        print(f"  connection failure: {failure}")
    sys.exit(1 if errors or stats.failures else 0)


if __name__ == "__main__":
    main()

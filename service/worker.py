"""`grader worker`: grading slots fed by the queue, on this machine's container engine.

It never builds the Flask app: configuration, the database, the queue and the grader are enough.
It refuses to start when `grader doctor` fails. On start it removes leftover sandbox containers,
re-queues submissions that crashed workers left `running`, and puts a token in the queue for
every slot's worth of waiting work; then every few seconds it reports its heartbeat and does the
same recovery for workers of any machine that stopped reporting.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import replace

import click

from config import Settings
from grader.browser.references import ReferenceStore
from grader.catalog import scan_catalog
from grader.grading import prewarm_for
from grader.runner import SandboxRunner
from service.capacity import Capacity, this_machine
from service.engine_watch import EngineWatch
from service.grading_job import GradingJob, RetryPolicy
from service.host_lane import HostLane
from service.queue import make_queue
from service.run_lane import RunLane
from service.supervision import Housekeeping, worker_name
from store.db import make_engine, session_factory, upgrade_database
from store.publishing import version_store

log = logging.getLogger("service.worker")
POLL_MIN_S = 0.05
POLL_MAX_S = 0.1
"""An idle SQLite-queue slot looks for tokens this often: a few cheap reads a second, and a
submission sent after a quiet hour still starts within a tenth of a second."""
SHUTDOWN_TIMEOUT_S = 60.0


class Worker:
    """One worker process: `slots` grading threads sharing one sandbox runner, a lane for work judged
    on the host (service.host_lane) and one for learners' runs (service.run_lane)."""

    def __init__(self, settings: Settings, capacity: Capacity, policy: RetryPolicy,
                 run_slots: int = 1) -> None:
        self.slots = slots = capacity.slots
        self.name = worker_name()
        self.sessions = session_factory(make_engine(settings.database_url))
        self.queue = make_queue(settings.queue_url, self.slot)
        self.sandbox_settings = replace(settings.grading.sandbox, pool_size=capacity.ready,
                                        pool_size_prelaunched=capacity.ready_pages)
        self.runner = SandboxRunner(self.sandbox_settings, ReferenceStore(settings.references))
        self.watch = EngineWatch(self.runner)
        # Redis pops block, so its delays only pace retries while Redis is unreachable.
        blocking = self.queue.huey.storage.blocking
        self.consumer = self.queue.huey.create_consumer(
            workers=slots, worker_type="thread", periodic=False, initial_delay=POLL_MIN_S,
            backoff=2.0 if blocking else 1.5, max_delay=5.0 if blocking else POLL_MAX_S,
            graceful_signal="TERM", shutdown_timeout=SHUTDOWN_TIMEOUT_S,
        )
        self.job = GradingJob(self.sessions, self.runner, settings.exercises, policy,
                              self.consumer.stop_flag, self.watch.disturbed_since,
                              version_store(settings.instance))
        self.housekeeping = Housekeeping(self.name, slots, self.sessions, self.queue, self.watch)
        self.host_lane = HostLane(self.sessions, self.job, self.housekeeping, self.name,
                                  self.consumer.stop_flag)
        self.run_lane = RunLane(self.sessions, self.runner, settings.exercises, self.name, run_slots,
                                self.consumer.stop_flag)

    def slot(self, token: int) -> None:
        """What a slot does with a token: claim and grade the fairest waiting submission (the token's or
        another's), again and again, until none may start now (so a learner's next submission follows
        their last)."""
        while not self.consumer.stop_flag.is_set() and self.housekeeping.grade_next(self.job):
            pass

    def prewarm(self) -> None:
        """Ready containers of every kind the curriculum's exercises need, a browser's included."""
        try:
            kinds = prewarm_for(scan_catalog(self.job.exercises).catalog.exercises(), self.runner)
        except Exception as error:  # the engine may be down, the curriculum unreadable: graded cold then
            log.warning("no ready containers ahead of the first submissions: %s", error)
            return
        log.info("ready containers started for %d kind(s) of grading", kinds)

    def run(self) -> None:
        try:  # crashed graders' containers; and, in a container, those of the last process with our pid
            removed = self.runner.remove_leftovers()
            log.info("removed %d leftover sandbox container(s)", removed)
        except Exception as error:  # the engine may be down: the retry loop copes with that
            log.warning("could not look for leftover sandbox containers: %s", error)
        self.watch.start()  # opens the runner: its ready containers start before the first submission
        threading.Thread(target=self.prewarm, name="prewarm", daemon=True).start()
        self.housekeeping.start()  # heartbeat, re-queueing of abandoned work, tokens for waiting work
        reaper = self.runner.periodic_reaper()
        reaper.start()
        if not self.watch.image_current:  # the watch opened the runner: ready containers are starting
            log.warning("the sandbox is not ready yet: %s", self.watch.detail)
        log.info("worker %s grading with %d slot(s) from a %s queue, and %d slot(s) for runs; ready "
                 "containers: %d per kind of light work, %d per kind with a browser", self.name, self.slots,
                 type(self.queue.huey).__name__, len(self.run_lane.threads),
                 self.sandbox_settings.pool_size, self.sandbox_settings.pool_size_prelaunched)
        self.run_lane.start()
        self.host_lane.start()
        try:
            self.consumer.run()
        finally:
            self.consumer.stop_flag.set()
            self.run_lane.join(SHUTDOWN_TIMEOUT_S)
            self.host_lane.join(SHUTDOWN_TIMEOUT_S)
            self.housekeeping.stop()
            self.watch.stop()
            reaper.stop()
            self.runner.close()
            try:  # whatever is left was started by this process for a run that will not happen
                self.runner.remove_own(stopped_only=False)
            except Exception as error:
                log.warning("could not remove this worker's containers: %s", error)


@click.command("worker")
@click.option("--slots", type=click.IntRange(1, 256), default=None,
              help="Submissions graded at once (default: the CPU cores this worker may use).")
@click.option("--run-slots", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Learners' runs without grading (the Run button) run at once, apart from grading.")
@click.option("--attempts", type=click.IntRange(1, 100), default=None,
              help="Gradings tried before a submission ends as 'could not grade' [default: 6, or "
                   "GRADER_GRADE_ATTEMPTS].")
@click.option("--retry-delay", type=click.FloatRange(0, 600), default=None,
              help="Seconds before the first retry; doubled for each next one, at most 30 [default: 1, or "
                   "GRADER_RETRY_DELAY_S].")
@click.pass_obj
def worker_command(settings: Settings, slots: int | None, run_slots: int, attempts: int | None,
                   retry_delay: float | None) -> None:
    """Grade queued submissions on this machine's container engine until stopped (SIGTERM waits
    for the submissions being graded; SIGINT stops at once and they are graded again later)."""
    from grader.doctor import run_doctor

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("huey", "alembic"):  # a line per token and per migration step: only problems
        logging.getLogger(chatty).setLevel(logging.WARNING)
    rows = run_doctor(settings.grading)
    if not all(row.ok for row in rows):
        for row in rows:
            click.echo(f"  {'ok ' if row.ok else 'FAIL'} {row.name}  {row.detail}", err=True)
        click.echo("The worker will not grade on a host where the sandbox does not hold "
                   "(`grader doctor` failed; see above).", err=True)
        sys.exit(1)
    upgrade_database(settings.database_url)
    policy = RetryPolicy(attempts=attempts or settings.grade_attempts,
                         first_delay_s=settings.retry_delay_s if retry_delay is None else retry_delay)
    Worker(settings, this_machine(slots), policy, run_slots).run()

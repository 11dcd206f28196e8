"""The host lane: a submission to an exercise judged wholly on the host (html, and css in `mode:
written`) takes milliseconds and no container, so a thread of the worker grades such submissions as
they come instead of leaving them in the queue behind a class's container work (measured with
`bench/class.py`: 11 s p50 of waiting for a slot before, for a 10 ms grading).

It claims as the slots do (the fair order, one running submission per learner, the guarded claim) but
only submissions it can judge on the host, and grades them with the same job (retries, writes guarded
by the claim, the change feed). The slots may take such submissions too: whoever comes first.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from grader.grading import judged_on_host
from service.grading_job import GradingJob
from service.scheduler import claimable
from service.supervision import Housekeeping

log = logging.getLogger(__name__)
POLL_S = 0.05
"""An idle lane looks for host-judged work this often: one small read of the queued rows."""


class HostLane:
    """One thread grading host-judged submissions until `stopping` is set."""

    def __init__(self, sessions: sessionmaker[Session], job: GradingJob, housekeeping: Housekeeping,
                 name: str, stopping: threading.Event) -> None:
        self.sessions = sessions
        self.job = job
        self.housekeeping = housekeeping
        self.name = name
        self.stopping = stopping
        self._on_host: dict[tuple[str, str], bool] = {}
        self.thread = threading.Thread(target=self._loop, name="host-lane", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def join(self, timeout_s: float) -> None:
        self.thread.join(timeout_s)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                worked = self.grade_next()
            except Exception:  # the database went away mid-way: housekeeping re-queues it later
                log.exception("the host lane failed")
                worked = False
            if not worked:
                self.stopping.wait(POLL_S)

    def grade_next(self) -> bool:
        """Claim and grade the fairest waiting host-judged submission; False when there was none. It
        looks first without the claim's locks (the worker's, and PostgreSQL's advisory lock): most of
        its looks, 20 a second, find nothing for it."""
        with self.sessions() as session:
            if not claimable(session, self.judged_on_host):
                return False
        return self.housekeeping.grade_next(self.job, self.judged_on_host)

    def judged_on_host(self, key: str, sha256: str) -> bool:
        """Whether that version of the exercise is judged wholly on the host (kept per version; the
        folder's, "", is looked at again by the next worker start)."""
        known = self._on_host.get((key, sha256))
        if known is None:
            try:
                exercise = self.job.exercise(key, sha256)
            except Exception as error:  # the slots report it to the learner
                log.warning("%s cannot be loaded: %s", key, error)
                known = False
            else:
                known = judged_on_host(exercise, self.job.runner.settings.limits)
            self._on_host[(key, sha256)] = known
        return known

"""One submission as a page or the API shows it: who may see it, and what of its result they see."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import abort, g

from grader.result import for_learner
from service.scheduler import queue_position
from store.models import GradeOverride, Regrade, Submission
from store.publishing import VersionLabel, version_label
from store.regrades import history_of
from web.auth import STAFF
from web.context import grading_queue, settings
from web.database import db
from web.overrides import override_for
from web.progress import times_failed

log = logging.getLogger(__name__)

ERROR_FOR_LEARNER = (
    "This attempt could not be graded because of a problem with the grading machine, not with your "
    "code. It does not count as an attempt. Please send it again; your instructor can see what happened."
)


def owned_submission(submission_id: int) -> Submission:
    """The submission if the current user may see it (its learner, or staff); 404 otherwise, so that
    nobody learns which attempts of others exist."""
    submission = db().get(Submission, submission_id)
    if submission is None or (submission.user_id != g.user.id and g.user.role not in STAFF):
        abort(404)
    return submission


@dataclass(frozen=True)
class SubmissionView:
    submission: Submission
    result: dict[str, Any] | None
    position: int | None
    staff: bool
    override: GradeOverride | None = None  # an instructor's score for this attempt
    regrades: tuple[Regrade, ...] = ()  # its re-grades, oldest first (store.regrades)
    version: VersionLabel | None = None  # the version of the exercise it was graded on

    @property
    def score(self) -> float | None:
        """The score that counts: the instructor's when they changed it, else the checks'."""
        return self.override.score if self.override is not None else self.submission.score

    @property
    def finished(self) -> bool:
        return self.submission.status in ("done", "error", "superseded")

    @property
    def regrading(self) -> bool:
        """An instructor's re-grade waits or runs: the row still shows the grading it had."""
        return self.submission.regrade_requested_at is not None

    @property
    def regraded(self) -> Regrade | None:
        """The re-grade that gave this attempt its current result, if one did."""
        return next((row for row in reversed(self.regrades) if row.state == "done"), None)

    @property
    def error_text(self) -> str:
        if self.staff:
            return self.submission.error_message or (self.result or {}).get("message") or ERROR_FOR_LEARNER
        return ERROR_FOR_LEARNER

    def to_json(self) -> dict[str, Any]:
        sub = self.submission
        return {
            "id": sub.id,
            "exercise": sub.exercise_key,
            "status": sub.status,
            "position": self.position,
            "score": sub.score,
            "max_score": sub.max_score,
            "counts": sub.counts,
            "regrading": self.regrading,
            "override": None if self.override is None else {
                "score": self.override.score,
                "reason": self.override.reason,
                "attempt": self.override.submission_id,
            },
            "created_at": sub.created_at.isoformat(),
            "finished_at": sub.finished_at.isoformat() if sub.finished_at else None,
            "result": self.result,
            "error": self.error_text if sub.status == "error" else None,
            "superseded_by": sub.superseded_by,
            "exercise_version": self.version.number if self.version else None,
        }


def answers_shown(submission: Submission) -> set[str]:
    """The checks whose second hint (the answer) the learner sees on this attempt: those that failed
    in at least GRADER_HELP_ANSWER_AFTER of their counted attempts at the exercise, this one included."""
    needed = settings().help.answer_after
    return {check for check, count in times_failed(db(), submission).items() if count >= needed}


def submission_view(submission: Submission) -> SubmissionView:
    """What the current user may see of `submission` (hidden checks stay hidden from learners). An
    instructor's preview attempt shows as a learner sees it: that is what it is for."""
    staff = g.user is not None and g.user.role in STAFF and not submission.preview
    result = submission.result
    if result is not None and not staff:
        result = for_learner(result, answers_shown(submission))
    position = queue_position(db(), submission.id) if submission.status == "queued" else None
    regrades = tuple(history_of(db(), [submission.id]).get(submission.id, ()))
    return SubmissionView(submission, result, position, staff, override_for(db(), submission), regrades,
                          version_label(db(), submission))


def notify_workers(submission_ids: Iterable[int]) -> None:
    """Tell the workers about committed, queued submissions. When the queue is down the learner still
    gets their page: the rows are in the database, and the workers' sweep finds them anyway."""
    for submission_id in submission_ids:
        try:
            grading_queue().enqueue(submission_id)
        except Exception as error:  # any failure of the queue's storage: the row is what counts
            log.warning("submission %s is queued but the queue could not be told: %s", submission_id, error)

"""Re-grades stay the instructor's: grading a learner's attempt again updates that attempt in place.

The attempt's row is queued again with `regrade_requested_at` set, and the grading it held is copied
into a `Regrade` row with who asked and why. While the re-grade waits or runs, the row still holds the
old result (pages show it, the grid counts it). When the worker grades it, the new result replaces the
old one and the `Regrade` row is settled as "done"; when it cannot be graded (engine down, exercise
broken), the attempt gets its old grading back exactly and the `Regrade` row is settled as "error" with
the reason. A re-grade is never one of the learner's attempts, and the learner's history never grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.changes import publish_attempt
from store.models import Regrade, Submission, utcnow

REASON_MAX = 500
REGRADABLE = ("done", "error")


def can_regrade(submission: Submission) -> bool:
    """Only an attempt whose grading ended (graded, or could not be graded) and that is not already
    being graded again."""
    return submission.status in REGRADABLE and submission.regrade_requested_at is None


def request_regrade(session: Session, submission: Submission, by_user_id: int | None, reason: str) -> Regrade:
    """Queue `submission` (a learner attempt that `can_regrade`) to be graded again, keeping the grading
    it holds in its history. The caller commits, then tells the workers.

    Raises:
        ValueError: the attempt is still waiting for its grading, or already being graded again.
    """
    if not can_regrade(submission):
        raise ValueError(f"attempt {submission.id} is being graded already")
    now = utcnow()
    row = Regrade(
        submission_id=submission.id, by_user_id=by_user_id, reason=reason.strip()[:REASON_MAX],
        requested_at=now, state="pending", previous_status=submission.status,
        previous_result=submission.result, previous_score=submission.score,
        previous_max_score=submission.max_score, previous_failed_checks=list(submission.failed_checks or []),
        previous_counts=submission.counts, previous_started_at=submission.started_at,
        previous_finished_at=submission.finished_at, previous_error_message=submission.error_message,
    )
    session.add(row)
    submission.status = "queued"
    submission.regrade_requested_at = now
    submission.attempts = 0  # the retry policy starts afresh: these are the infrastructure's tries
    submission.worker = None
    submission.error_message = None
    session.flush()
    publish_attempt(session, submission.id, submission.user_id)
    return row


def pending_regrade(session: Session, submission_id: int) -> Regrade | None:
    """The re-grade of `submission_id` that waits or runs, if there is one."""
    query = (select(Regrade).where(Regrade.submission_id == submission_id, Regrade.state == "pending")
             .order_by(Regrade.id.desc()).limit(1))
    return session.scalar(query)


def restored_grading(regrade: Regrade) -> dict[str, Any]:
    """The columns that give an attempt back the grading `regrade` replaced (when it could not be
    graded again)."""
    return {
        "status": regrade.previous_status, "result": regrade.previous_result, "score": regrade.previous_score,
        "max_score": regrade.previous_max_score, "failed_checks": list(regrade.previous_failed_checks or []),
        "counts": regrade.previous_counts, "started_at": regrade.previous_started_at,
        "finished_at": regrade.previous_finished_at, "error_message": regrade.previous_error_message,
        "regrade_requested_at": None,
    }


def settle_regrade(regrade: Regrade, outcome: Literal["done", "error"], message: str = "") -> None:
    """Record how the re-grade ended (the caller writes the attempt's row in the same transaction)."""
    regrade.state = outcome
    regrade.settled_at = utcnow()
    regrade.message = message[:2000]


def history_of(session: Session, submission_ids: Iterable[int]) -> dict[int, list[Regrade]]:
    """Each attempt's re-grades, oldest first, by attempt id (attempts without any are left out)."""
    ids = list(submission_ids)
    if not ids:
        return {}
    found: dict[int, list[Regrade]] = {}
    for row in session.scalars(select(Regrade).where(Regrade.submission_id.in_(ids)).order_by(Regrade.id)):
        found.setdefault(row.submission_id, []).append(row)
    return found

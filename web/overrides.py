"""Grade overrides: an instructor's score for one learner attempt, with a reason the learner reads.

An override belongs to the learner's attempt (its code), not to one grading of it: a re-grade of that
attempt (store.regrades) keeps it, so grading again never silently drops an instructor's decision. Rows
are only added, so the history stays: the newest row of an attempt wins, and a row without a score
removes the override.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import Select, Subquery, func, select
from sqlalchemy.orm import Session
from wtforms import FloatField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import NumberInput

from store.changes import publish_attempt
from store.models import GradeOverride, Submission, User, audit

REASON_MAX = 500


def can_override(submission: Submission) -> bool:
    """Only a graded attempt takes an override (not one waiting for its grading or a re-grade)."""
    return submission.status == "done" and submission.max_score is not None


def _newest_rows() -> Select[Any]:
    """The id of each attempt's newest override row: the one in force (unless its score is None)."""
    return select(func.max(GradeOverride.id)).group_by(GradeOverride.submission_id)


def current_scores() -> Subquery:
    """(submission_id, score) of every learner attempt whose override is in force."""
    query = select(GradeOverride.submission_id, GradeOverride.score).where(
        GradeOverride.id.in_(_newest_rows()), GradeOverride.score.is_not(None)
    )
    return query.subquery("current_overrides")


def overrides_for(session: Session, submissions: Iterable[Submission]) -> dict[int, GradeOverride]:
    """The override in force for each of `submissions` that has one, by id."""
    ids = {submission.id for submission in submissions}
    if not ids:
        return {}
    newest = _newest_rows().where(GradeOverride.submission_id.in_(ids))
    rows = session.scalars(select(GradeOverride).where(GradeOverride.id.in_(newest)))
    return {row.submission_id: row for row in rows if row.score is not None}


def override_for(session: Session, submission: Submission) -> GradeOverride | None:
    return overrides_for(session, [submission]).get(submission.id)


def change_score(session: Session, submission: Submission, score: float | None, reason: str, by: User,
                 ip: str) -> GradeOverride:
    """Give the learner attempt `submission` a new score, or with `score=None` take the override away,
    and write it to the audit log. The caller commits.

    Args:
        submission: a learner attempt that `can_override`.
        score: the new score, from 0 to the attempt's max score; None removes the override.
        reason: why, in words the learner reads (required for a new score).
        by: the instructor or admin making the change.
        ip: where the change came from, for the audit log.
    Returns:
        The new override row.
    """
    before = override_for(session, submission)
    old = before.score if before is not None else submission.score
    row = GradeOverride(submission_id=submission.id, score=score, reason=reason[:REASON_MAX],
                        by_user_id=by.id)
    session.add(row)
    action = "grade.override" if score is not None else "grade.override_removed"
    detail = {"exercise": submission.exercise_key, "learner_id": submission.user_id, "old": old,
              "new": score if score is not None else submission.score, "reason": reason}
    audit(session, by.id, action, f"submission:{submission.id}", detail, ip)
    publish_attempt(session, submission.id, submission.user_id)  # the score the classroom views show
    return row


def _stripped(text: str | None) -> str | None:
    return text.strip() if text else text


class OverrideForm(FlaskForm):
    score = FloatField("New score", validators=[InputRequired("Give the new score.")],
                       widget=NumberInput(step="any", min=0))
    reason = StringField("Reason (the learner reads it)", filters=[_stripped],
                         validators=[DataRequired("Write why the score changes."), Length(max=REASON_MAX)])

    def __init__(self, max_score: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_score = max_score
        self.score.render_kw = {"max": f"{max_score:g}"}

    def validate_score(self, field: FloatField) -> None:
        if field.data is None or not 0 <= field.data <= self.max_score:
            raise ValidationError(f"Give a score from 0 to {self.max_score:g}.")

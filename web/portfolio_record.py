"""The record of completion: every exercise a learner has a graded attempt at, with the score that
counts, the date and the version of the exercise it was graded on, the site and the curriculum.

It is the payload the site signs when an instructor approves an export (store.signed). It names the
learner by the name the site shows, and nothing else about them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader import __version__
from store.models import ExerciseRow, User, utcnow
from web.portfolio_content import best_attempts, exercise_rows

RECORD_FORMAT = "completion/1"


def curriculum_version(rows: list[ExerciseRow]) -> str:
    """12 hex digits naming the curriculum learners see: every published exercise's key and version."""
    lines = sorted(f"{row.key}:{row.published_sha256}" for row in rows if row.published)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]


def completion_record(session: Session, user: User, site_name: str, key_fingerprint: str,
                      pieces: list[str]) -> dict[str, Any]:
    """The record of `user`'s work as it stands now (JSON-ready: the payload to sign)."""
    rows = exercise_rows(session)
    valid = list(session.scalars(select(ExerciseRow).where(ExerciseRow.published_sha256 != "")))
    exercises = []
    for key, (attempt, score) in best_attempts(session, user.id).items():
        row = rows.get(key)
        provenance = (attempt.result or {}).get("provenance") or {}
        maximum = attempt.max_score or 0
        exercises.append({
            "exercise": key,
            "title": row.title if row else key,
            "score": score,
            "max_score": attempt.max_score,
            "completed": score is not None and maximum > 0 and score >= maximum,
            "date": (attempt.finished_at or attempt.created_at).date().isoformat(),
            "exercise_version": str(provenance.get("exercise_sha256") or "")[:12],
            "changed_by_instructor": score != attempt.score,
        })
    order = {row.key: row.position for row in rows.values()}
    exercises.sort(key=lambda entry: (order.get(str(entry["exercise"]), 10**6), str(entry["exercise"])))
    return {
        "format": RECORD_FORMAT,
        "site": {"name": site_name, "key": key_fingerprint},
        "learner": {"name": user.display_name},
        "made_at": utcnow().replace(microsecond=0).isoformat(),
        "curriculum": {"version": curriculum_version(valid), "exercises": len(valid)},
        "summary": {"completed": sum(1 for e in exercises if e["completed"]), "attempted": len(exercises)},
        "exercises": exercises,
        "portfolio": pieces,
        "grader_version": __version__,
    }

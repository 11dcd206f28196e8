"""Where the class is stuck: for each exercise the learners in view tried, how many tried and finished
it, the median attempts and time it took those who finished, and the checks that fail most often with
an example of what they say (hidden checks included: this is for staff only).

Attempts to finish: the counted attempts up to and including the first one with full marks. Time to
finish: from when the learner began the exercise (first save of a draft, or first attempt) to that
attempt being sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from store.models import ExerciseRow
from web.class_activity import ClassActivity
from web.progress import Attempt

TOP_CHECKS = 3


@dataclass(frozen=True)
class Finish:
    """How one learner finished one exercise."""

    user_id: int
    attempts: int
    minutes: float
    attempt: Attempt  # the first with full marks


@dataclass(frozen=True)
class FailingCheck:
    id: str
    title: str
    hidden: bool
    attempts: int  # graded attempts it failed in
    learners: int  # learners it failed for
    example: str  # the message of its latest failure


@dataclass(frozen=True)
class ExerciseStats:
    exercise: ExerciseRow
    tried: int
    finishes: tuple[Finish, ...]
    attempts: int
    failing: tuple[FailingCheck, ...]  # most often first, at most TOP_CHECKS

    @property
    def finished(self) -> int:
        return len(self.finishes)

    @property
    def stuck(self) -> int:
        return self.tried - self.finished

    @property
    def median_attempts(self) -> float | None:
        return median(finish.attempts for finish in self.finishes) if self.finishes else None

    @property
    def median_minutes(self) -> float | None:
        return median(finish.minutes for finish in self.finishes) if self.finishes else None


def finish_of(activity: ClassActivity, user_id: int, key: str) -> Finish | None:
    """How the learner finished the exercise, or None when they have not."""
    tries = activity.tries(user_id, key)
    for count, attempt in enumerate(tries, start=1):
        if attempt.solved:
            began = activity.began(user_id, key) or attempt.created_at
            minutes = max(0.0, (attempt.created_at - began).total_seconds() / 60)
            return Finish(user_id, count, minutes, attempt)
    return None


def exercise_stats(activity: ClassActivity, exercise: ExerciseRow) -> ExerciseStats:
    learners = [user.id for user in activity.learners if activity.tries(user.id, exercise.key)]
    finishes = [finish_of(activity, user_id, exercise.key) for user_id in learners]
    tries = [attempt for user_id in learners for attempt in activity.tries(user_id, exercise.key)]
    return ExerciseStats(exercise, len(learners), tuple(f for f in finishes if f is not None), len(tries),
                         _failing(tries))


def class_stats(activity: ClassActivity) -> list[ExerciseStats]:
    """The exercises someone in view tried: where most are stuck first, then in teaching order."""
    found = [exercise_stats(activity, exercise) for exercise in activity.exercises]
    tried = [stats for stats in found if stats.tried]
    order = {exercise.key: n for n, exercise in enumerate(activity.exercises)}
    return sorted(tried, key=lambda s: (-s.stuck, -sum(c.attempts for c in s.failing), order[s.exercise.key]))


def _failing(tries: list[Attempt]) -> tuple[FailingCheck, ...]:
    counts: dict[str, int] = {}
    learners: dict[str, set[int]] = {}
    latest: dict[str, tuple[datetime, str, str, bool]] = {}
    for attempt in tries:
        for failure in attempt.failures:
            counts[failure.id] = counts.get(failure.id, 0) + 1
            learners.setdefault(failure.id, set()).add(attempt.user_id)
            if failure.id not in latest or attempt.created_at >= latest[failure.id][0]:
                latest[failure.id] = (attempt.created_at, failure.title, failure.message, failure.hidden)
    ranked = sorted(counts, key=lambda check: (-counts[check], check))[:TOP_CHECKS]
    return tuple(FailingCheck(check, latest[check][1], latest[check][3], counts[check], len(learners[check]),
                              latest[check][2]) for check in ranked)


def minutes_words(minutes: float | None) -> str:
    """12 min, 1 h 5 min, under 1 min; a dash when there is nothing to say."""
    if minutes is None:
        return "–"
    if minutes < 1:
        return "under 1 min"
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest} min" if hours else f"{whole} min"

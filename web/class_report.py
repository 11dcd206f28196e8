"""The class report for the workshop's records: one cohort, one week (Monday to Sunday, the server's
local time), progress per learner and per exercise. Printed from the browser (its print stylesheet
fits A4 and Letter) or saved as PDF the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from store.models import ExerciseRow, User
from web.class_activity import ClassActivity
from web.class_stats import finish_of

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    monday: date

    @classmethod
    def parse(cls, text: str | None, today: date) -> Week:
        """The ISO week `text` ("2026-W49"), or the week of `today` when `text` is empty.

        Raises:
            ValueError: `text` is not an ISO week.
        """
        if not text:
            return cls(today - timedelta(days=today.weekday()))
        match = WEEK.match(text)
        try:
            if match is None:
                raise ValueError(text)
            return cls(date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1))
        except ValueError:
            raise ValueError(f"{text[:40]!r} is not a week like 2026-W49") from None

    @property
    def iso(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.monday, time()).astimezone()  # midnight, local time

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time()).astimezone()

    @property
    def before(self) -> Week:
        return Week(self.monday - timedelta(days=7))

    @property
    def after(self) -> Week:
        return Week(self.monday + timedelta(days=7))

    @property
    def words(self) -> str:
        return f"Week {self.monday.isocalendar()[1]}: {self.monday:%d %b} to {self.sunday:%d %b %Y}"


@dataclass(frozen=True)
class LearnerWeek:
    user: User
    finished: tuple[ExerciseRow, ...]  # first full marks this week
    finished_by_end: int  # exercises finished by the end of the week, in all
    attempts: int  # attempts sent this week
    days_active: int  # days of the week with an attempt
    last_attempt: datetime | None  # the latest by the end of the week


@dataclass(frozen=True)
class ExerciseWeek:
    exercise: ExerciseRow
    tried: int  # learners with an attempt this week
    attempts: int
    finished: int  # learners whose first full marks came this week
    finished_by_end: int  # learners who had finished it by the end of the week


@dataclass(frozen=True)
class ClassReport:
    week: Week
    exercise_count: int
    learners: tuple[LearnerWeek, ...]
    exercises: tuple[ExerciseWeek, ...]  # those with an attempt this week, in teaching order


def class_report(activity: ClassActivity, week: Week) -> ClassReport:
    starts, ends = week.starts, week.ends

    def within(moment: datetime) -> bool:
        return starts <= moment < ends

    finished_at = {}
    for user in activity.learners:
        for exercise in activity.exercises:
            finish = finish_of(activity, user.id, exercise.key)
            if finish is not None:
                finished_at[(user.id, exercise.key)] = finish.attempt.created_at
    learners = []
    for user in activity.learners:
        mine = [a for a in activity.attempts if a.user_id == user.id and a.created_at < ends]
        this_week = [a for a in mine if within(a.created_at)]
        learners.append(LearnerWeek(
            user,
            tuple(e for e in activity.exercises if within(finished_at.get((user.id, e.key), ends))),
            sum(1 for e in activity.exercises if finished_at.get((user.id, e.key), ends) < ends),
            len(this_week),
            len({a.created_at.astimezone().date() for a in this_week}),
            mine[-1].created_at if mine else None,
        ))
    exercises = []
    for exercise in activity.exercises:
        tries = [a for user in activity.learners for a in activity.tries(user.id, exercise.key)
                 if within(a.created_at)]
        if not tries:
            continue
        solved = [finished_at.get((user.id, exercise.key), ends) for user in activity.learners]
        exercises.append(ExerciseWeek(exercise, len({a.user_id for a in tries}), len(tries),
                                      sum(1 for moment in solved if within(moment)),
                                      sum(1 for moment in solved if moment < ends)))
    return ClassReport(week, len(activity.exercises), tuple(learners), tuple(exercises))

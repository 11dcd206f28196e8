"""Who needs help now: the rules, in one place, with their thresholds in `config.HelpThresholds`
(settings, GRADER_HELP_*).

Only the class in session counts: work older than `recent_min` minutes is not "now". For each learner:

- the same check fails again and again: one check failed in each of their last `same_check_in_a_row`
  graded attempts at an exercise they have not finished (the strongest sign: they are stuck on one thing);
- failed attempts in a row: `failed_in_a_row` graded attempts at one exercise, none with full marks;
- a long time on one exercise: `long_on_exercise_min` minutes since they began the exercise they are on
  now (first save or first attempt), without full marks;
- no activity for a while during class: nothing saved or sent for `idle_min` minutes while others in the
  view were active in that time (a learner seen in the session only; absent learners are not listed).

Each reason weighs WEIGHTS[rule] times how far past its threshold it is (twice the threshold weighs
twice); a learner's need is the sum of their reasons, and the list is ordered by need, the strongest
reason first in each entry. Every reason is a short sentence an instructor reads across the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from config.settings import HelpThresholds
from store.models import User
from web.class_activity import ClassActivity
from web.progress import Attempt, CheckFailure

WEIGHTS = {"same_check": 3.0, "failing": 2.0, "long": 1.5, "idle": 1.0}


@dataclass(frozen=True)
class Reason:
    rule: str  # a key of WEIGHTS
    sentence: str
    weight: float
    exercise_key: str | None = None
    attempt_id: int | None = None  # the latest attempt it is about: what the instructor opens
    failure: CheckFailure | None = None  # for "same_check": the check and what it says


@dataclass(frozen=True)
class NeedsHelp:
    user: User
    reasons: tuple[Reason, ...]  # strongest first

    @property
    def need(self) -> float:
        return sum(reason.weight for reason in self.reasons)

    @property
    def main(self) -> Reason:
        return self.reasons[0]

    @property
    def attempt_id(self) -> int | None:
        return next((reason.attempt_id for reason in self.reasons if reason.attempt_id is not None), None)

    @property
    def exercise_key(self) -> str | None:
        return next((reason.exercise_key for reason in self.reasons if reason.exercise_key), None)


def needs_help(activity: ClassActivity, thresholds: HelpThresholds) -> list[NeedsHelp]:
    """The learners of `activity` who need help now, the most in need first."""
    titles = {exercise.key: exercise.title for exercise in activity.exercises}
    recent = activity.now - timedelta(minutes=thresholds.recent_min)
    idle_since = activity.now - timedelta(minutes=thresholds.idle_min)
    class_working = any(seen >= idle_since for seen in activity.last_seen.values())
    entries = []
    for user in activity.learners:
        reasons = _exercise_reasons(activity, user, thresholds, recent, titles)
        idle = _idle(activity, user, thresholds, recent, titles) if class_working else None
        if idle is not None:
            reasons.append(idle)
        if reasons:
            entries.append(NeedsHelp(user, tuple(sorted(reasons, key=lambda r: -r.weight))))
    return sorted(entries, key=lambda entry: (-entry.need, entry.user.display_name.casefold()))


def _touched(activity: ClassActivity, user_id: int, key: str) -> datetime | None:
    moments = [attempt.created_at for attempt in activity.tries(user_id, key)[-1:]]
    work = activity.drafts.get((user_id, key))
    if work is not None:
        moments.append(work.touched)
    return max(moments) if moments else None


def _unfinished_recent(activity: ClassActivity, user_id: int, recent: datetime) -> list[tuple[datetime, str]]:
    """(last touched, key) of the exercises the learner worked on lately without full marks, latest first."""
    keys = {key for (uid, key) in activity.cells if uid == user_id}
    keys |= {key for (uid, key) in activity.drafts if uid == user_id}
    found = []
    for key in keys:
        touched = _touched(activity, user_id, key)
        tries = activity.tries(user_id, key)
        if touched is not None and touched >= recent and not any(attempt.solved for attempt in tries):
            found.append((touched, key))
    return sorted(found, reverse=True)


def _exercise_reasons(activity: ClassActivity, user: User, thresholds: HelpThresholds, recent: datetime,
                      titles: dict[str, str]) -> list[Reason]:
    reasons = []
    for position, (_, key) in enumerate(_unfinished_recent(activity, user.id, recent)):
        title = titles.get(key, key)
        graded = [attempt for attempt in activity.tries(user.id, key) if attempt.graded]
        latest = graded[-1].id if graded else None
        stuck = _same_check(graded, thresholds.same_check_in_a_row)
        if stuck is not None:
            failure, count = stuck
            hidden = " (a hidden check)" if failure.hidden else ""
            reasons.append(Reason(
                "same_check", f"“{failure.title}”{hidden} failed {count} times in a row on “{title}”.",
                WEIGHTS["same_check"] * count / thresholds.same_check_in_a_row, key, latest, failure))
        elif len(graded) >= thresholds.failed_in_a_row:
            reasons.append(Reason(
                "failing", f"{len(graded)} attempts in a row without full marks on “{title}”.",
                WEIGHTS["failing"] * len(graded) / thresholds.failed_in_a_row, key, latest))
        began = activity.began(user.id, key)
        if position == 0 and began is not None:  # only the exercise they are on now
            minutes = (activity.now - began).total_seconds() / 60
            if minutes >= thresholds.long_on_exercise_min:
                tries = len(activity.tries(user.id, key))
                reasons.append(Reason(
                    "long", f"{int(minutes)} min on “{title}” without full marks ({_attempts(tries)}).",
                    WEIGHTS["long"] * minutes / thresholds.long_on_exercise_min, key, latest))
    return reasons


def _same_check(graded: list[Attempt], needed: int) -> tuple[CheckFailure, int] | None:
    """The check failing in the most graded attempts in a row up to the latest, if that is `needed`
    or more: (the check as the latest attempt reported it, how many in a row)."""
    if len(graded) < needed:
        return None
    best: tuple[CheckFailure, int] | None = None
    for failure in graded[-1].failures:
        count = 0
        for attempt in reversed(graded):
            if not any(other.id == failure.id for other in attempt.failures):
                break
            count += 1
        if count >= needed and (best is None or count > best[1]):
            best = (failure, count)
    return best


def _idle(activity: ClassActivity, user: User, thresholds: HelpThresholds, recent: datetime,
          titles: dict[str, str]) -> Reason | None:
    seen = activity.last_active(user.id)
    if seen is None or seen < recent:
        return None  # not in this session: absent, not idle
    minutes = (activity.now - seen).total_seconds() / 60
    if minutes < thresholds.idle_min:
        return None
    mine = [attempt for attempt in activity.attempts if attempt.user_id == user.id]
    work = [(attempt.created_at, attempt.exercise_key) for attempt in mine[-1:]]
    work += [(draft.touched, key) for (uid, key), draft in activity.drafts.items() if uid == user.id]
    last_at, last_key = max(work) if work else (None, None)
    if last_at is None or last_at < recent or last_key is None:
        where, last_key = " since logging in", None
    else:
        where = f" (last on “{titles.get(last_key, last_key)}”)"
    latest = next((a.id for a in reversed(mine) if a.exercise_key == last_key), None)
    return Reason("idle", f"No activity for {int(minutes)} min while the class works{where}.",
                  WEIGHTS["idle"] * minutes / thresholds.idle_min, last_key, latest)


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"

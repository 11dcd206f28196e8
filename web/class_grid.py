"""The class at a glance: one row per learner, one compact column per track (done, started, total),
any track opened into one narrow column per exercise, sorted by name, progress or last activity."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from store.models import User
from web.class_activity import ClassActivity, Track
from web.progress import NOT_STARTED, Standing, standing_of

SORTS = ("name", "progress", "-progress", "activity", "-activity")
SORT_WORDS = {
    "name": "name",
    "progress": "most done first",
    "-progress": "fewest done first",
    "activity": "latest activity first",
    "-activity": "longest without activity first",
}


@dataclass(frozen=True)
class TrackProgress:
    done: int
    started: int  # tried, without full marks yet
    total: int

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def started_percent(self) -> int:
        return round(100 * self.started / self.total) if self.total else 0

    @property
    def words(self) -> str:
        return f"{self.done} done, {self.started} started, of {self.total}"


@dataclass(frozen=True)
class LearnerRow:
    user: User
    tracks: tuple[TrackProgress, ...]  # one per track of the grid, in the same order
    cells: dict[str, Standing]  # by exercise key, for the opened tracks' columns
    latest: dict[str, int]  # the id of the latest attempt, by exercise key: a cell opens it
    last_active: datetime | None

    @property
    def done(self) -> int:
        return sum(track.done for track in self.tracks)

    @property
    def total(self) -> int:
        return sum(track.total for track in self.tracks)

    def cell(self, key: str) -> Standing:
        return self.cells.get(key, NOT_STARTED)


@dataclass(frozen=True)
class ClassGrid:
    tracks: tuple[Track, ...]
    opened: frozenset[str]  # names of the tracks shown exercise by exercise
    rows: tuple[LearnerRow, ...]
    sort: str

    @property
    def exercise_count(self) -> int:
        return sum(len(track.exercises) for track in self.tracks)


def class_grid(activity: ClassActivity, sort: str = "name", opened: Iterable[str] = ()) -> ClassGrid:
    """The grid of `activity`'s learners, sorted by `sort` (one of SORTS; unknown means "name"), with
    the tracks named in `opened` shown exercise by exercise."""
    sort = sort if sort in SORTS else "name"
    names = {track.name for track in activity.tracks}
    rows = [_row(activity, user) for user in activity.learners]
    return ClassGrid(activity.tracks, frozenset(name for name in opened if name in names),
                     tuple(sorted_rows(rows, sort)), sort)


def _row(activity: ClassActivity, user: User) -> LearnerRow:
    cells, latest = {}, {}
    tracks = []
    for track in activity.tracks:
        done = started = 0
        for exercise in track.exercises:
            tries = activity.tries(user.id, exercise.key)
            standing = standing_of(tries)
            if standing.attempts:
                cells[exercise.key], latest[exercise.key] = standing, tries[-1].id
                done += standing.solved
                started += not standing.solved
        tracks.append(TrackProgress(done, started, len(track.exercises)))
    return LearnerRow(user, tuple(tracks), cells, latest, activity.last_active(user.id))


def sorted_rows(rows: list[LearnerRow], sort: str) -> list[LearnerRow]:
    """`rows` in the order `sort` names; ties (and the name sort) go by display name, then username."""
    by_name = sorted(rows, key=lambda row: (row.user.display_name.casefold(), row.user.username))
    keys: dict[str, Callable[[LearnerRow], tuple[float, ...]]] = {
        "progress": lambda row: (-row.done, -sum(t.started for t in row.tracks)),
        "-progress": lambda row: (row.done, sum(t.started for t in row.tracks)),
        # Never active sorts as the longest ago.
        "activity": lambda row: (-_stamp(row.last_active),),
        "-activity": lambda row: (_stamp(row.last_active),),
    }
    return sorted(by_name, key=keys[sort]) if sort in keys else by_name


def _stamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else float("-inf")

"""Where the class is stuck (web/class_stats.py), the class at a glance (web/class_grid.py) and the
weekly report (web/class_report.py) on the seeded class of tests/helpers/classroom.py, in a real SQLite
database: every figure is computed here again from the class's plans, not from the code under test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from statistics import median

import pytest

from grader.catalog import scan_catalog
from store.catalog_sync import sync_catalog
from store.db import make_engine, session_factory, upgrade_database
from store.models import utcnow
from tests.helpers.classroom import NAMES, PLANS, TRACKS, seed_class, write_catalogue
from web.class_activity import ClassActivity, load_class
from web.class_grid import class_grid
from web.class_report import Week, class_report
from web.class_stats import class_stats, exercise_stats

NOW = utcnow()


@pytest.fixture(scope="module")
def activity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassActivity]:
    folder = tmp_path_factory.mktemp("class")
    url = f"sqlite:///{folder / 'grader.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        root = write_catalogue(folder / "exercises")
        sync_catalog(session, root)
        seed_class(session, NOW)
        session.commit()
        yield load_class(session, None, scan_catalog(root), now=NOW)
    engine.dispose()


def plans_of(key: str) -> list[tuple[str, str, float]]:
    """(username, outcomes, minutes between attempts) of everyone who sent an attempt at `key`."""
    return [(user, plan.outcomes, plan.step_min) for user, plans in PLANS.items() for plan in plans
            if plan.exercise == key and plan.outcomes]


def test_seventy_exercises_and_fifteen_learners(activity: ClassActivity) -> None:
    assert len(activity.exercises) == 70 and len(activity.learners) == 15
    assert [track.title for track in activity.tracks] == [title for title, _ in TRACKS.values()]


def test_every_exercise_figure_matches_the_plans(activity: ClassActivity) -> None:
    tried_keys = {plan.exercise for plans in PLANS.values() for plan in plans if plan.outcomes}
    stats = {item.exercise.key: item for item in class_stats(activity)}
    assert set(stats) == tried_keys
    for key, item in stats.items():
        plans = plans_of(key)
        finishers = [(outcomes.index("p") + 1, step) for _, outcomes, step in plans if "p" in outcomes]
        assert (item.tried, item.finished, item.attempts) == (
            len(plans), len(finishers), sum(len(outcomes) for _, outcomes, _ in plans)), key
        if finishers:
            assert item.median_attempts == median(count for count, _ in finishers), key
            minutes = median(count * step for count, step in finishers)
            assert item.median_minutes == pytest.approx(minutes, abs=0.01), key
        failing = {check.id: check.attempts for check in item.failing}
        visible = sum(outcomes.count("f") for _, outcomes, _ in plans)
        hidden = visible + sum(outcomes.count("h") for _, outcomes, _ in plans)
        assert failing == {k: v for k, v in (("io-1", visible), ("io-2", hidden)) if v}, key


def test_the_most_stuck_exercise_comes_first_with_its_messages(activity: ClassActivity) -> None:
    first = class_stats(activity)[0]
    assert (first.exercise.key, first.stuck) == ("python/04", 2)  # Dana and Lee have not finished it
    secret, hello = first.failing
    assert (secret.title, secret.hidden, secret.example) == ("Secret check", True,
                                                            "The greeting is not exactly right.")
    assert (hello.title, hello.hidden, hello.example) == ("Says hello", False,
                                                         "Your program's output is not what was expected.")
    assert hello.learners == len({user for user, outcomes, _ in plans_of("python/04") if "f" in outcomes})


def test_an_exercise_nobody_tried_has_no_figures(activity: ClassActivity) -> None:
    untouched = next(e for e in activity.exercises if e.key == "flask/10")
    item = exercise_stats(activity, untouched)
    assert (item.tried, item.finished, item.median_attempts, item.median_minutes, item.failing) == (
        0, 0, None, None, ())


def test_the_grid_counts_done_and_started_per_track(activity: ClassActivity) -> None:
    grid = class_grid(activity, "name")
    assert [row.user.display_name for row in grid.rows] == sorted(name for _, name in NAMES)
    for row in grid.rows:
        plans = PLANS[row.user.username]
        for track, progress in zip(grid.tracks, row.tracks, strict=True):
            mine = [p for p in plans if p.exercise.startswith(f"{track.name}/") and p.outcomes]
            done = sum("p" in p.outcomes for p in mine)
            assert (progress.done, progress.started, progress.total) == (
                done, len(mine) - done, len(track.exercises)), (row.user.username, track.name)


def test_the_grid_sorts_by_progress_and_by_last_activity(activity: ClassActivity) -> None:
    done = {user: sum("p" in plan.outcomes for plan in plans) for user, plans in PLANS.items()}
    most = [row.user.username for row in class_grid(activity, "progress").rows]
    assert [done[user] for user in most] == sorted(done.values(), reverse=True)
    fewest = [row.user.username for row in class_grid(activity, "-progress").rows]
    assert [done[user] for user in fewest] == sorted(done.values())
    latest = class_grid(activity, "activity").rows
    stamps = [row.last_active.timestamp() if row.last_active else 0 for row in latest]
    assert stamps == sorted(stamps, reverse=True) and latest[-1].user.username == "otto"  # never came
    assert class_grid(activity, "-activity").rows[0].user.username == "otto"
    assert class_grid(activity, "nonsense").sort == "name"


def test_opened_tracks_show_their_exercises(activity: ClassActivity) -> None:
    grid = class_grid(activity, "name", ["python", "no-such-track"])
    assert grid.opened == frozenset({"python"})
    dana = next(row for row in grid.rows if row.user.username == "dana")
    assert [dana.cell(f"python/{n:02d}").state for n in range(1, 6)] == ["solved"] * 3 + ["started", "new"]


def test_the_weekly_report_counts_this_weeks_work(activity: ClassActivity) -> None:
    today = NOW.astimezone().date()
    monday = today - timedelta(days=today.weekday())
    starts = datetime.combine(monday, time()).astimezone()
    ends = datetime.combine(monday + timedelta(days=7), time()).astimezone()
    report = class_report(activity, Week.parse(None, today))
    assert report.week.monday == monday and report.exercise_count == 70
    for row in report.learners:
        moments = [NOW - timedelta(minutes=m) for plan in PLANS[row.user.username]
                   for m in plan.attempt_minutes_ago()]
        assert row.attempts == sum(starts <= moment < ends for moment in moments), row.user.username
        done = [plan for plan in PLANS[row.user.username] if "p" in plan.outcomes]
        assert row.finished_by_end == len(done)
    touched = {plan.exercise for plans in PLANS.values() for plan in plans for m in plan.attempt_minutes_ago()
               if starts <= NOW - timedelta(minutes=m) < ends}
    assert {item.exercise.key for item in report.exercises} == touched


@pytest.mark.parametrize("text", ["2026-W60", "week 3", "2026-49", "'; DROP TABLE users"])
def test_a_week_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Week.parse(text, date(2026, 3, 3))


def test_weeks_are_iso_weeks() -> None:
    week = Week.parse("2026-W01", date(2026, 3, 3))
    assert (week.monday, week.sunday, week.iso) == (date(2025, 12, 29), date(2026, 1, 4), "2026-W01")
    assert (week.before.iso, week.after.iso) == ("2025-W52", "2026-W02")

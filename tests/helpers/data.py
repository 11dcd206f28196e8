"""Where the test data lives: one tree, tests/data/.

    exercises/<track>/<slug>/     exercises used as test data (by kind, plus broken and web ones)
    catalogs/<name>/              whole curricula (catalog.yaml, tracks) for catalogue and site tests
    golden/<kind>/<case>/         golden cases: submission/ and expected.json (tests/grader/test_golden.py)
    broken/                       exercises that must fail to load, with the errors they must give
"""

from __future__ import annotations

from pathlib import Path

from grader.exercise import Exercise, load_exercise

DATA = Path(__file__).resolve().parent.parent / "data"
EXERCISES = DATA / "exercises"
CATALOGS = DATA / "catalogs"
GOLDEN = DATA / "golden"
BROKEN = DATA / "broken"


def fixture_exercise(key: str) -> Exercise:
    """The test exercise `<track>/<slug>` of tests/data/exercises."""
    return load_exercise(EXERCISES / key, EXERCISES)

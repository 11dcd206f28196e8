"""grader/catalog.py: tracks, their order, and the catalogue of every exercise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.catalog import CATALOG_KEY, load_catalog, scan_catalog
from grader.errors import ExerciseInvalid
from tests.helpers.data import CATALOGS

EXERCISES = CATALOGS / "small"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the fixture catalogue to break."""
    copy = tmp_path / "exercises"
    shutil.copytree(EXERCISES, copy)
    return copy


def catalog_errors(root: Path) -> list[str]:
    with pytest.raises(ExerciseInvalid) as caught:
        load_catalog(root)
    return str(caught.value).splitlines()


def test_tracks_follow_catalog_yaml_and_exercises_follow_order() -> None:
    catalog = load_catalog(EXERCISES)
    assert [track.name for track in catalog.tracks] == ["python", "javascript"]
    python = catalog.track("python")
    assert (python.title, python.description) == ("Python", "Programs that read, compute and print.")
    assert [exercise.slug for exercise in python.exercises] == ["two-fer", "stdin-sum"]
    assert catalog.track("javascript").requires == ("python",)
    assert [e.key for e in catalog.exercises()] == ["python/two-fer", "python/stdin-sum", "javascript/leap"]
    assert catalog.exercise("javascript/leap").title == "Leap years"
    with pytest.raises(KeyError):
        catalog.exercise("python/nope")


def test_without_catalog_yaml_tracks_are_alphabetical(root: Path) -> None:
    (root / "catalog.yaml").unlink()
    assert [track.name for track in load_catalog(root).tracks] == ["javascript", "python"]


def test_loading_twice_gives_the_same_catalogue() -> None:
    first, second = load_catalog(EXERCISES), load_catalog(EXERCISES)
    assert [e.sha256 for e in first.exercises()] == [e.sha256 for e in second.exercises()]


def test_order_and_folders_must_agree(root: Path) -> None:
    shutil.copytree(root / "python" / "two-fer", root / "python" / "two-fer-again")
    (root / "python" / "notes").mkdir()  # a folder without exercise.yaml is not an exercise
    (root / "python" / "track.yaml").write_text("title: Python\norder: [two-fer, stdin-sum, fizz, two-fer]\n")
    assert catalog_errors(root) == [
        "python/track.yaml:2:8: order: the exercise folder 'two-fer-again' is not listed in order",
        "python/track.yaml:2:29: order.2: no exercise folder 'fizz'",
        "python/track.yaml:2:35: order.3: 'two-fer' is listed twice",
    ]


def test_catalog_yaml_lists_every_track_once(root: Path) -> None:
    (root / "html").mkdir()
    (root / "html" / "track.yaml").write_text("title: HTML\norder: []\n")
    (root / "catalog.yaml").write_text("tracks: [python, css]\n")
    assert catalog_errors(root) == [
        "catalog.yaml:1:9: tracks: the track folder 'html' is not listed in tracks",
        "catalog.yaml:1:9: tracks: the track folder 'javascript' is not listed in tracks",
        "catalog.yaml:1:18: tracks.1: no track folder 'css'",
        "html/track.yaml:2:8: order: must not be empty",
    ]


def test_track_requirements_exist_and_do_not_go_round(root: Path) -> None:
    (root / "python" / "track.yaml").write_text(
        "title: Python\norder: [two-fer, stdin-sum]\nrequires: [javascript, python, rust]\n"
    )
    assert catalog_errors(root) == [
        "javascript/track.yaml:4:12: requires.0: 'python' requires 'javascript' in turn",
        "python/track.yaml:3:12: requires.0: 'javascript' requires 'python' in turn",
        "python/track.yaml:3:24: requires.1: a track cannot require itself",
        "python/track.yaml:3:32: requires.2: no track 'rust'",
    ]


def test_track_yaml_mistakes(root: Path) -> None:
    (root / "javascript" / "track.yaml").unlink()
    (root / "python" / "track.yaml").write_text("titel: Python\norder: [two-fer, stdin-sum]\n")
    assert catalog_errors(root) == [
        "javascript/track.yaml: file not found",
        "python/track.yaml:1:1: missing required key 'title'",
        "python/track.yaml:1:1: unknown key 'titel'; did you mean 'title'?",
    ]


def test_every_exercise_mistake_in_every_track_at_once(root: Path) -> None:
    (root / "python" / "two-fer" / "instructions.md").unlink()
    leap = root / "javascript" / "leap" / "exercise.yaml"
    leap.write_text(leap.read_text().replace("runtime: node", "runtime: nodejs"))
    assert catalog_errors(root) == [
        "javascript/leap/exercise.yaml:4:10: runtime: expected 'python', 'node' or 'web', got 'nodejs'",
        "python/two-fer/exercise.yaml:1:1: instructions: instructions file 'instructions.md' not found"
        " (write it, or give the instructions inline)",
    ]


def test_the_tolerant_scan_keeps_the_valid_part(root: Path) -> None:
    (root / "python" / "two-fer" / "instructions.md").unlink()
    (root / "catalog.yaml").write_text("tracks: [python]\n")
    scan = scan_catalog(root)
    assert [e.key for e in scan.catalog.exercises()] == ["python/stdin-sum", "javascript/leap"]
    assert scan.catalog.track("python").order == ("two-fer", "stdin-sum")
    assert sorted(scan.problems) == [CATALOG_KEY, "python/two-fer"]
    assert [str(e) for e in scan.problems["python/two-fer"]] == [
        "python/two-fer/exercise.yaml:1:1: instructions: instructions file 'instructions.md' not found"
        " (write it, or give the instructions inline)"
    ]
    assert [str(e) for e in scan.errors()] == [
        "catalog.yaml:1:9: tracks: the track folder 'javascript' is not listed in tracks",
        *[str(e) for e in scan.problems["python/two-fer"]],
    ]


def test_a_track_without_track_yaml_still_shows_its_exercises(root: Path) -> None:
    (root / "javascript" / "track.yaml").unlink()
    scan = scan_catalog(root)
    javascript = scan.catalog.track("javascript")
    assert (javascript.title, [e.slug for e in javascript.exercises]) == ("javascript", ["leap"])
    assert [str(e) for e in scan.errors()] == ["javascript/track.yaml: file not found"]


def test_a_missing_root_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExerciseInvalid, match="exercises folder not found"):
        scan_catalog(tmp_path / "nowhere")

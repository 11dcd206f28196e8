"""grader/browser/references.py: the model solution's pictures, one file per exercise version."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.browser.references import ReferenceStore
from grader.result import Picture

SHA = "0f" * 32


def test_pictures_are_stored_and_read_back(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path / "refs")
    assert store.load(SHA) is None
    store.save(SHA, {"looks": (Picture("375x800", "AAAA"), Picture("1200x800", "BBBB")), "other": ()})
    assert store.load(SHA) == {
        "looks": (Picture("375x800", "AAAA"), Picture("1200x800", "BBBB")), "other": ()}
    assert store.picture(SHA, "looks", "1200x800") == Picture("1200x800", "BBBB")
    assert store.picture(SHA, "looks", "800x600") is None
    assert store.picture("nope", "looks", "375x800") is None
    assert [path.name for path in (tmp_path / "refs").iterdir()] == [f"{SHA}.json"]  # no drafts left


def test_an_unreadable_file_reads_as_none(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path)
    (tmp_path / f"{SHA}.json").write_text("{not json")
    assert store.load(SHA) is None
    (tmp_path / f"{SHA}.json").write_text('{"format": 99, "checks": {}}')
    assert store.load(SHA) is None


def test_only_an_exercise_hash_names_a_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ReferenceStore(tmp_path).save("../../etc/passwd", {})

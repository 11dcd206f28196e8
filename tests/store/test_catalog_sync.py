"""Syncing the exercises folder into the catalogue table."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from store.catalog_sync import sync_catalog
from store.db import make_engine, session_factory, upgrade_database
from store.models import ExerciseRow
from tests.helpers.data import CATALOGS

FIXTURES = CATALOGS / "site"


def test_sync_keeps_broken_exercises_visible_and_removes_gone_ones(tmp_path: Path) -> None:
    root = tmp_path / "exercises"
    shutil.copytree(FIXTURES, root)
    url = f"sqlite:///{tmp_path / 'grader.db'}"
    upgrade_database(url)
    with session_factory(make_engine(url))() as session:
        report = sync_catalog(session, root)
        session.commit()
        assert (report.valid, report.invalid) == (3, 0)
        greet = session.scalar(select(ExerciseRow).where(ExerciseRow.key == "python/greet"))
        assert greet is not None and greet.valid and len(greet.sha256) == 64 and greet.position == 0
        (root / "web" / "page" / "exercise.yaml").write_text("format: 1\ntitle: Broken\n")
        shutil.rmtree(root / "python" / "greet")
        (root / "python" / "track.yaml").write_text("title: Python\norder: []\n")
        report = sync_catalog(session, root)
        session.commit()
        rows = {row.key: row for row in session.scalars(select(ExerciseRow))}
        assert set(rows) == {"flask/hello", "web/page"} and report.removed == 1
        assert not rows["web/page"].valid and "exercise.yaml" in rows["web/page"].problems

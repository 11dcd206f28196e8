"""Drafts and published versions (store/publishing.py, store/catalog_sync.py, grader/versions.py), on a
real SQLite file: learners see only published versions, kept by their files while the folder changes;
attempts are pinned to the version they were sent on; publishing a change offers to grade the latest
attempts again on the new version, in place."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.versions import VersionMissing, VersionStore
from store.catalog_sync import CatalogCache, sync_catalog
from store.db import make_engine, session_factory, upgrade_database
from store.models import ExerciseRow, ExerciseVersion, Regrade, Submission, User, utcnow
from store.publishing import (
    PublishError,
    outdated_latest_attempts,
    publish,
    regrade_on_published,
    version_label,
)
from store.regrades import restored_grading
from tests.helpers.data import CATALOGS


@dataclass
class Site:
    root: Path
    store: VersionStore
    session: Session
    cache: CatalogCache

    def sync(self) -> None:
        sync_catalog(self.session, self.root, self.store)
        self.session.commit()

    def learners_see(self, key: str) -> str | None:
        """The title learners see for `key` (None: they do not see it)."""
        scan = self.cache.published(self.session, self.root, self.store)
        try:
            return scan.catalog.exercise(key).title
        except KeyError:
            return None

    def row(self, key: str) -> ExerciseRow:
        found = self.session.scalar(select(ExerciseRow).where(ExerciseRow.key == key))
        assert found is not None
        return found

    def retitle(self, key: str, title: str) -> None:
        path = self.root / key / "exercise.yaml"
        text = path.read_text()
        old = next(line for line in text.splitlines() if line.startswith("title:"))
        path.write_text(text.replace(old, f"title: {title}"))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "exercises"
    shutil.copytree(CATALOGS / "site", root)
    url = f"sqlite:///{tmp_path / 'grader.db'}"
    upgrade_database(url)
    with session_factory(make_engine(url))() as session:
        yield Site(root, VersionStore(tmp_path / "instance" / "exercise-versions"), session, CatalogCache())


def test_a_new_site_publishes_what_it_reads_first_and_keeps_it(site: Site) -> None:
    site.sync()
    greet = site.row("python/greet")
    assert (greet.published_version, greet.published_sha256, greet.draft) == (1, greet.sha256, False)
    assert site.store.has("python/greet", greet.sha256)
    versions = site.session.scalars(select(ExerciseVersion)).all()
    assert {v.key for v in versions} == {"python/greet", "flask/hello", "web/page"}
    assert all(v.number == 1 and "first read" in v.note for v in versions)
    assert site.learners_see("python/greet") == "Greet"


def test_a_change_is_a_draft_until_published(site: Site) -> None:
    site.sync()
    site.retitle("python/greet", "Greet again")
    site.sync()
    greet = site.row("python/greet")
    assert greet.draft and greet.published_version == 1
    assert site.learners_see("python/greet") == "Greet"  # from the kept version: the folder changed
    drafts = site.cache.get(site.session, site.root)
    assert drafts.catalog.exercise("python/greet").title == "Greet again"

    version = publish(site.session, drafts, site.store, "python/greet", None, "A new title.")
    site.session.commit()
    assert (version.number, version.note) == (2, "A new title.")
    assert site.learners_see("python/greet") == "Greet again"
    with pytest.raises(PublishError, match="no changes"):
        publish(site.session, drafts, site.store, "python/greet", None)


def test_a_new_exercise_is_hidden_from_learners_until_published(site: Site) -> None:
    site.sync()
    shutil.copytree(site.root / "python" / "greet", site.root / "python" / "greet-two")
    (site.root / "python" / "track.yaml").write_text("title: Python basics\norder: [greet, greet-two]\n")
    site.sync()
    assert site.row("python/greet-two").draft and not site.row("python/greet-two").published
    assert site.learners_see("python/greet-two") is None
    publish(site.session, site.cache.get(site.session, site.root), site.store, "python/greet-two", None)
    site.session.commit()
    assert site.learners_see("python/greet-two") == "Greet"
    order = [e.key for e in site.cache.published(site.session, site.root, site.store).catalog.exercises()]
    assert order.index("python/greet") < order.index("python/greet-two")


def test_a_broken_change_leaves_learners_the_published_version(site: Site) -> None:
    site.sync()
    (site.root / "python" / "greet" / "exercise.yaml").write_text("format: 1\ntitle: Oops\n")
    site.sync()
    greet = site.row("python/greet")
    assert not greet.valid and not greet.draft and greet.published_version == 1
    assert site.learners_see("python/greet") == "Greet"
    with pytest.raises(PublishError, match="has problems"):
        publish(site.session, site.cache.get(site.session, site.root), site.store, "python/greet", None)


def test_a_version_published_before_versions_were_kept_is_kept_at_the_next_read(site: Site) -> None:
    """As after migration 0006: published rows whose files are not kept yet."""
    sync_catalog(site.session, site.root)  # no store: nothing kept
    site.session.commit()
    greet = site.row("python/greet")
    assert not site.store.has("python/greet", greet.sha256)
    site.sync()
    assert site.store.has("python/greet", greet.sha256)
    (site.root / "flask" / "hello" / "instructions.md").write_text("Changed before it was kept.\n")
    shutil.rmtree(site.store.root)  # as if the folder had changed before the site read it again
    site.sync()
    hello = site.row("flask/hello")
    assert hello.published_version == 2 and not hello.draft  # learners never lose it
    assert "were not kept" in site.session.scalars(select(ExerciseVersion).where(
        ExerciseVersion.key == "flask/hello", ExerciseVersion.number == 2)).one().note


def test_a_kept_version_loads_when_the_folder_has_changed(site: Site) -> None:
    site.sync()
    sha = site.row("python/greet").sha256
    site.retitle("python/greet", "Changed")
    assert site.store.load("python/greet", sha, site.root).title == "Greet"
    with pytest.raises(VersionMissing):
        site.store.load("python/greet", "0" * 64, site.root)


def _learner(session: Session, name: str) -> User:
    user = User(username=name, display_name=name.title(), password_hash="x", role="learner")
    session.add(user)
    session.flush()
    return user


def _attempt(session: Session, user: User, sha: str, score: float = 1.0) -> Submission:
    attempt = Submission(user_id=user.id, exercise_key="python/greet", files={"greet.py": "print(1)"},
                         status="done", score=score, max_score=2.0, finished_at=utcnow(), exercise_sha256=sha,
                         result={"format": 1, "status": "fail", "checks": [],
                                 "provenance": {"exercise_sha256": sha}})
    session.add(attempt)
    session.flush()
    return attempt


def test_publishing_a_change_offers_to_grade_the_latest_attempts_again(site: Site) -> None:
    site.sync()
    first = site.row("python/greet").sha256
    ann, bob = _learner(site.session, "ann"), _learner(site.session, "bob")
    older = _attempt(site.session, ann, first)
    latest = _attempt(site.session, ann, first)
    _attempt(site.session, bob, first, score=2.0)
    preview = _attempt(site.session, bob, first)
    preview.preview = True
    site.session.commit()
    assert outdated_latest_attempts(site.session, "python/greet") == []
    assert version_label(site.session, latest) is not None
    assert version_label(site.session, latest).number == 1  # type: ignore[union-attr]

    site.retitle("python/greet", "Greet, version two")
    site.sync()
    publish(site.session, site.cache.get(site.session, site.root), site.store, "python/greet", None)
    site.session.commit()
    second = site.row("python/greet").published_sha256
    offered = outdated_latest_attempts(site.session, "python/greet")
    assert [a.user_id for a in offered] == [ann.id, bob.id] and latest in offered and older not in offered
    label = version_label(site.session, latest)
    assert label is not None and (label.number, label.current, label.outdated) == (1, 2, True)

    queued = regrade_on_published(site.session, offered, None, "The exercise changed.")
    site.session.commit()
    assert [a.id for a in queued] == [a.id for a in offered]
    assert latest.status == "queued" and latest.exercise_sha256 == second and older.exercise_sha256 == first
    regrade = site.session.scalars(select(Regrade).where(Regrade.submission_id == latest.id)).one()
    assert regrade.previous_exercise_sha256 == first and regrade.previous_score == 1.0
    assert restored_grading(regrade)["exercise_sha256"] == first  # could not be graded: back on v1
    assert outdated_latest_attempts(site.session, "python/greet") == []  # being graded again

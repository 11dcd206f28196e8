"""Exercise packs in the administrator's pages (web/packs.py): a pack is checked and what it changes is
shown before anything is written; importing makes drafts kept in the folder's history; a tampered or
untrusted pack is refused with the folder untouched; an export is a pack signed by this site's key."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditLog, ExerciseRow, Submission, User
from store.packs import MAX_PACK_BYTES, export_pack, read_pack, trust_pack_key
from store.site_key import site_key
from tests.helpers.data import CATALOGS
from tests.helpers.packs import make_site, members, rewrite, tree, write_public_key
from tests.helpers.site import Browser, change_settings, settings_of
from web import MAX_REQUEST_BYTES

UPLOAD = re.compile(r'name="upload" value="([0-9a-f]{64})"')


@pytest.fixture
def folder(app: Flask, tmp_path: Path) -> Path:
    copy = tmp_path / "exercises"
    shutil.copytree(CATALOGS / "site", copy)
    change_settings(app, exercises=copy, home=tmp_path / "opt")
    return copy


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def pack(tmp_path: Path, key: Ed25519PrivateKey) -> Path:
    source = make_site(tmp_path / "elsewhere", "extra/01-hello", "extra/02-bye")
    out = tmp_path / "extra.pack"
    export_pack(source, ["extra"], out, key, "9.9")
    return out


def _trust(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    trust_pack_key(tmp_path / "opt", write_public_key(key, tmp_path / "k.pub").read_bytes())


def _check(browser: Browser, data: bytes) -> tuple[int, str]:
    browser.get("/admin/packs/")
    done = browser.post("/admin/packs/check", {"pack": (io.BytesIO(data), "extra.pack")},
                        content_type="multipart/form-data")
    page = done.get_data(as_text=True)
    done.request.environ["wsgi.input"].close()  # a large body waits in a temporary file the client keeps
    return done.status_code, page


def test_a_pack_is_shown_then_imported_as_drafts(
    folder: Path, pack: Path, key: Ed25519PrivateKey, tmp_path: Path, as_ada: Browser, db_session: Session
) -> None:
    _trust(tmp_path, key)
    before = tree(folder)
    status, page = _check(as_ada, pack.read_bytes())
    assert status == 200, page
    assert "extra/01-hello</td><td>new: a draft" in page and "extra/02-bye</td><td>new: a draft" in page
    assert tree(folder) == before, "checking writes nothing"
    upload = UPLOAD.search(page)
    assert upload
    done = as_ada.post("/admin/packs/import", {"upload": upload.group(1)})
    assert done.status_code == 302
    assert (folder / "extra" / "01-hello" / "exercise.yaml").is_file()
    assert "extra" in (folder / "catalog.yaml").read_text()
    db_session.expire_all()
    rows = {row.key: row for row in db_session.scalars(select(ExerciseRow))}
    assert rows["extra/01-hello"].draft and rows["extra/01-hello"].valid
    assert rows["extra/02-bye"].draft
    log = subprocess.run(["git", "-c", f"safe.directory={folder}", "log", "--format=%an|%s"], cwd=folder,
                         capture_output=True, text=True, check=True).stdout
    assert log.splitlines()[0].startswith("Ada|Imported a pack of extra, signed by SHA256:")
    tries = db_session.scalars(select(Submission).where(Submission.preview.is_(True))).all()
    assert sorted(t.exercise_key for t in tries) == ["extra/01-hello", "extra/02-bye"]
    hello = next(t for t in tries if t.exercise_key == "extra/01-hello")
    assert hello.status == "queued" and hello.exercise_sha256 == rows["extra/01-hello"].sha256
    assert hello.files == {"hello.py": (folder / "extra/01-hello/solution/hello.py").read_text()}
    assert hello.user_id == db_session.scalar(select(User.id).where(User.username == "ada"))
    preview = as_ada.get("/teach/exercises/extra/01-hello/preview").get_data(as_text=True)
    assert f"attempt={hello.id}" in preview, "the try is on the page where its result shows"
    entry = db_session.scalar(select(AuditLog).where(AuditLog.action == "pack.imported"))
    assert entry is not None and entry.target == "extra"
    assert not list((settings_of(as_ada.client.application).instance / "pack-uploads").glob("*.pack"))
    _, again = _check(as_ada, pack.read_bytes())
    assert "the same as here" in again and "Nothing to import" in again


def test_a_tampered_pack_is_refused_and_nothing_changes(folder: Path, pack: Path, key: Ed25519PrivateKey,
                                                        tmp_path: Path, as_ada: Browser) -> None:
    _trust(tmp_path, key)
    files = members(pack)
    name = "exercises/extra/01-hello/solution/hello.py"
    files[name] += b"# changed on the way\n"
    rewrite(pack, files)
    before = tree(folder)
    status, page = _check(as_ada, pack.read_bytes())
    assert status == 422 and "cannot be imported" in page and "does not match" in page
    assert UPLOAD.search(page) is None and tree(folder) == before
    assert not list((settings_of(as_ada.client.application).instance / "pack-uploads").glob("*.pack"))


def test_a_pack_checked_but_not_imported_is_forgotten_after_a_day(folder: Path, pack: Path, app: Flask,
                                                                   as_ada: Browser) -> None:
    uploads = settings_of(app).instance / "pack-uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    old, recent = uploads / f"{'1' * 64}.pack", uploads / f"{'2' * 64}.pack"
    for path in (old, recent):
        path.write_bytes(b"checked earlier")
    os.utime(old, (time.time() - 2 * 24 * 3600,) * 2)
    _check(as_ada, pack.read_bytes())
    assert not old.exists() and recent.exists()


def test_a_pack_larger_than_other_requests_is_received(folder: Path, tmp_path: Path, key: Ed25519PrivateKey,
                                                        as_ada: Browser) -> None:
    source = make_site(tmp_path / "big", "extra/01-hello")
    (source / "extra" / "01-hello" / "tests").mkdir()
    (source / "extra" / "01-hello" / "tests" / "data.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    export_pack(source, ["extra"], tmp_path / "big.pack", key, "9.9")
    _trust(tmp_path, key)
    status, page = _check(as_ada, (tmp_path / "big.pack").read_bytes())
    assert status == 200 and "extra/01-hello</td><td>new: a draft" in page
    app = as_ada.client.application
    for path, limit in (("/admin/packs/check", MAX_PACK_BYTES), ("/admin/packs/import", MAX_REQUEST_BYTES)):
        with app.test_request_context(path, method="POST"):
            with contextlib.suppress(CSRFError):  # the hooks before the form's check have run
                app.preprocess_request()
            assert (request.max_content_length or 0) >= limit
            assert path.endswith("check") or request.max_content_length == MAX_REQUEST_BYTES


def test_an_untrusted_pack_is_refused(folder: Path, pack: Path, as_ada: Browser) -> None:
    before = tree(folder)
    status, page = _check(as_ada, pack.read_bytes())
    assert status == 422 and "not signed by a key this site trusts" in page and "grader pack trust" in page
    assert tree(folder) == before


def test_an_import_needs_a_checked_upload_and_the_form_token(folder: Path, as_ada: Browser) -> None:
    assert as_ada.post("/admin/packs/import", {"upload": "../../secret_key"}).status_code == 404
    assert as_ada.post("/admin/packs/import", {"upload": "a" * 64}).status_code == 404
    forged = as_ada.client.post("/admin/packs/import", data={"upload": "a" * 64})
    assert forged.status_code == 400


def test_packs_are_for_administrators_only(folder: Path, as_ines: Browser, as_ann: Browser) -> None:
    for browser in (as_ines, as_ann):
        assert browser.get("/admin/packs/").status_code == 404
        assert browser.post("/admin/packs/export", {"track": "python"}).status_code == 404


def test_an_export_is_signed_by_this_site(folder: Path, app: Flask, as_ada: Browser, tmp_path: Path) -> None:
    page = as_ada.get("/admin/packs/").get_data(as_text=True)
    own = site_key(settings_of(app).instance)
    assert own.fingerprint in page and 'value="python"' in page
    done = as_ada.post("/admin/packs/export", {"track": "python"})
    assert done.status_code == 200 and "python.pack" in done.headers["Content-Disposition"]
    (tmp_path / "got.pack").write_bytes(done.get_data())
    verified = read_pack(tmp_path / "got.pack", [own.public], tmp_path / "read")
    assert list(verified.manifest.exercises) == ["python/greet"]
    nothing = as_ada.post("/admin/packs/export", {})
    assert nothing.status_code == 422 and "at least one track" in nothing.get_data(as_text=True)

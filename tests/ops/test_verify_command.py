"""`grader verify FILE` and `grader site-key`: a record checked offline with a site's public key,
its check code printed, and a changed byte or another key refused."""

from __future__ import annotations

from pathlib import Path

from store.signed import check_code, sign_document
from store.site_key import site_key
from tests.helpers.transfer import make_site

RECORD = {"format": "completion/1", "site": {"name": "Site a", "key": ""}, "learner": {"name": "Ann Lee"},
          "made_at": "2026-12-01T10:00:00+00:00", "summary": {"completed": 3, "attempted": 4},
          "exercises": [{"exercise": "python/greet", "score": 2.0, "max_score": 2.0, "completed": True}]}


def test_a_record_is_checked_with_the_sites_public_key(tmp_path: Path) -> None:
    site, other = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    key = site_key(site.instance)
    payload = {**RECORD, "site": {"name": "Site a", "key": key.fingerprint}}
    record = tmp_path / "record.json"
    record.write_bytes(sign_document(key, "record", payload))
    shown = site.grader("site-key", "--export", str(tmp_path / "site-key.pub"))
    assert shown.returncode == 0 and f"Fingerprint: {key.fingerprint}" in shown.stdout
    assert "BEGIN PUBLIC KEY" in shown.stdout and (tmp_path / "site-key.pub").read_bytes() == key.public_pem

    done = other.grader("verify", str(record), "--key", str(tmp_path / "site-key.pub"))
    assert done.returncode == 0, done.stderr
    said = "a record of completion of Ann Lee from Site a, made 2026-12-01: 3 exercises completed"
    assert said in done.stdout
    assert f"Check code: {check_code(key.fingerprint, 'record', payload)}" in done.stdout
    assert site.grader("verify", str(record)).returncode == 0  # the site knows its own key

    unknown = other.grader("verify", str(record))
    assert unknown.returncode == 1
    assert f"signed by {key.fingerprint}, which is not a key this site knows" in unknown.stderr
    stranger = site_key(tmp_path / "stranger")
    (tmp_path / "stranger.pub").write_bytes(stranger.public_pem)
    wrong = other.grader("verify", str(record), "--key", str(tmp_path / "stranger.pub"))
    assert wrong.returncode == 1 and "which is not the key given" in wrong.stderr

    changed = tmp_path / "changed.json"
    changed.write_bytes(record.read_bytes().replace(b'"completed": 3', b'"completed": 9'))
    refused = other.grader("verify", str(changed), "--key", str(tmp_path / "site-key.pub"))
    assert refused.returncode == 1 and "was changed after it was signed" in refused.stderr
    missing = other.grader("verify", str(tmp_path / "nothing.json"))
    assert missing.returncode == 1 and "nothing.json" in missing.stderr

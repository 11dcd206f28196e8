"""Moving a learner between two sites (ops/transfer.py, ops/transfer_import.py, `grader transfer`):
every row kept on SQLite and PostgreSQL, importing twice changes nothing, only files from trusted
sites are read, and a changed byte is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.models import PasswordChangeRequired, TransferImport, User
from tests.helpers.transfer import (
    TransferSite,
    learner_rows,
    make_site,
    seed_learner,
    table_counts,
    transferred,
)


def export(site: TransferSite, out: Path, username: str = "ann") -> Path:
    done = site.grader("transfer", "export", username, str(out))
    assert done.returncode == 0, done.stderr
    assert "1 attempts still waiting to be graded were left out" in done.stdout
    return Path(done.stdout.split(":", 1)[0])


def trust(receiver: TransferSite, sender: TransferSite) -> None:
    shown = sender.grader("site-key", "--export", str(sender.folder / "site.pub"))
    assert shown.returncode == 0, shown.stderr
    done = receiver.grader("transfer", "trust", str(sender.folder / "site.pub"))
    assert done.returncode == 0 and "now reads transfer files signed by SHA256:" in done.stdout, done.stderr


def two_sites(tmp_path: Path, request: pytest.FixtureRequest,
              kinds: tuple[str, str]) -> tuple[TransferSite, TransferSite]:
    sites = []
    for name, kind in zip(("a", "b"), kinds, strict=True):
        url = request.getfixturevalue("postgres") if kind == "postgresql" else None
        if url is not None and kinds == ("postgresql", "postgresql"):
            raise AssertionError("one PostgreSQL server per test")
        sites.append(make_site(tmp_path / name, url))
    return sites[0], sites[1]


@pytest.mark.parametrize("kinds", [("sqlite", "sqlite"), ("sqlite", "postgresql"), ("postgresql", "sqlite")],
                         ids=["sqlite-to-sqlite", "sqlite-to-postgresql", "postgresql-to-sqlite"])
def test_a_learner_moves_with_every_row_and_importing_twice_changes_nothing(
    tmp_path: Path, request: pytest.FixtureRequest, kinds: tuple[str, str]
) -> None:
    sender, receiver = two_sites(tmp_path, request, kinds)
    seed_learner(sender)
    path = export(sender, tmp_path)
    payload = json.loads(path.read_text())["payload"]
    assert "password" not in json.dumps(payload["account"]) and "scrypt" not in path.read_text()
    assert [a["status"] for a in payload["attempts"]] == ["done", "error"]  # the queued one waits
    assert [r["reason"] for r in payload["attempts"][0]["regrades"]] == ["Fixed the tests."]  # its history
    trust(receiver, sender)

    done = receiver.grader("transfer", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "ann: account made; added 2 attempts, 1 score changes, 2 drafts" in done.stdout
    assert "One-time password for ann:" in done.stdout
    moved = learner_rows(receiver)
    expected = learner_rows(sender)
    expected["attempts"] = [row for row in expected["attempts"] if row[2] != "queued"]
    assert moved == expected
    with receiver.session() as session:
        user = session.query(User).filter_by(username="ann").one()
        assert session.get(PasswordChangeRequired, user.id) is not None
        assert session.query(TransferImport).one().source_site == "Site a"
    assert transferred(receiver) == 1 + 2 + 1  # the account, the attempts, the score change

    before = table_counts(receiver)
    again = receiver.grader("transfer", "import", str(path))
    assert again.returncode == 0 and "was imported before (as ann): nothing changed" in again.stdout
    assert table_counts(receiver) == before


def test_a_later_file_adds_only_what_is_new_and_a_file_going_back_adds_nothing(tmp_path: Path) -> None:
    sender, receiver = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    seed_learner(sender)
    trust(receiver, sender)
    assert receiver.grader("transfer", "import", str(export(sender, tmp_path))).returncode == 0
    later = export(sender, tmp_path / "later.json")
    done = receiver.grader("transfer", "import", str(later))
    assert done.returncode == 0 and "added 0 attempts, 0 score changes, 0 drafts" in done.stdout, done.stdout
    assert "already here: 2 attempts, 2 drafts" in done.stdout

    trust(sender, receiver)  # the learner is moved back
    before = learner_rows(sender)
    back = receiver.grader("transfer", "export", "ann", str(tmp_path / "back.json"))
    assert back.returncode == 0, back.stderr
    home = sender.grader("transfer", "import", str(tmp_path / "back.json"))
    assert home.returncode == 0 and "account merged into; added 0 attempts" in home.stdout.replace(
        "ann: account merged into", "account merged into"), home.stdout + home.stderr
    assert learner_rows(sender) == before


def test_a_taken_username_needs_a_decision(tmp_path: Path) -> None:
    sender, receiver = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    seed_learner(sender)
    seed_learner(receiver)  # another ann (and ines, bob) already works here
    trust(receiver, sender)
    path = export(sender, tmp_path)
    before = table_counts(receiver)
    refused = receiver.grader("transfer", "import", str(path))
    assert refused.returncode == 1 and "already an account called ann here" in refused.stderr
    assert "--into ann" in refused.stderr and "--username NEWNAME" in refused.stderr
    assert table_counts(receiver) == before
    renamed = receiver.grader("transfer", "import", str(path), "--username", "ann.lee")
    assert renamed.returncode == 0 and "ann.lee: account made" in renamed.stdout, renamed.stderr
    assert len(learner_rows(receiver, "ann.lee")["attempts"]) == 2
    assert len(learner_rows(receiver, "ann")["attempts"]) == 3  # the other ann's work is untouched


def test_merging_into_an_existing_account(tmp_path: Path) -> None:
    sender, receiver = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    seed_learner(sender)
    trust(receiver, sender)
    with receiver.session() as session:
        from web.accounts import create_user

        create_user(session, "ann.l", "Ann L.", "learner", "own-password")
        session.commit()
    done = receiver.grader("transfer", "import", str(export(sender, tmp_path)), "--into", "ann.l")
    assert done.returncode == 0 and "ann.l: account merged into; added 2 attempts" in done.stdout, done.stderr
    assert "One-time password" not in done.stdout
    with receiver.session() as session:
        user = session.query(User).filter_by(username="ann.l").one()
        assert session.get(PasswordChangeRequired, user.id) is None  # their own password stays


def test_files_from_untrusted_sites_changed_files_and_own_files_are_refused(tmp_path: Path) -> None:
    sender, receiver, stranger = (make_site(tmp_path / name) for name in ("a", "b", "c"))
    seed_learner(sender)
    path = export(sender, tmp_path)
    before = table_counts(receiver)
    untrusted = receiver.grader("transfer", "import", str(path))
    assert untrusted.returncode == 1 and "a site this site does not trust" in untrusted.stderr
    trust(receiver, stranger)  # trusting another site does not help
    assert receiver.grader("transfer", "import", str(path)).returncode == 1
    trust(receiver, sender)
    raw = path.read_bytes()
    changes = {
        "score": raw.replace(b'"score": 1.0', b'"score": 2.0', 1),
        "name": raw.replace(b'"Ann Lee"', b'"Ann Lea"', 1),
        "spacing": raw.replace(b'{\n "format"', b'{\n  "format"', 1),
        "truncated": raw[: len(raw) // 2],
    }
    for what, changed in changes.items():
        assert changed != raw, what
        target = tmp_path / f"changed-{what}.json"
        target.write_bytes(changed)
        done = receiver.grader("transfer", "import", str(target))
        assert done.returncode == 1, what
        assert "changed after it was signed" in done.stderr or "damaged" in done.stderr, (what, done.stderr)
    assert table_counts(receiver) == before
    own = sender.grader("transfer", "import", str(path))
    assert own.returncode == 1 and "was made by this site" in own.stderr


def test_a_key_trusted_with_bundle_trust_is_read_too(tmp_path: Path) -> None:
    """`grader transfer trust` is the command to use; a key already trusted for bundles also counts."""
    sender, receiver = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    seed_learner(sender)
    assert sender.grader("site-key", "--export", str(tmp_path / "a.pub")).returncode == 0
    assert receiver.grader("bundle", "trust", str(tmp_path / "a.pub")).returncode == 0
    done = receiver.grader("transfer", "import", str(export(sender, tmp_path)))
    assert done.returncode == 0 and "added 2 attempts" in done.stdout, done.stderr

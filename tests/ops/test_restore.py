"""Attacks on `grader restore` by someone holding a back-up file: names that leave the instance folder
(the wrapper systemd starts as root, through `..` or a symbolic link), a back-up changed after it was
made, one made by another site; and the modes of what back-ups and restores write."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest

from config import Settings
from ops.backup import INFO, SiteData, create_backup, plain_name_problem
from ops.backup_seal import SEAL
from ops.permissions import mode_problems
from store.db import upgrade_database
from tests.helpers.ops import clean_env, grader
from tests.helpers.ops_site import seed_first_revision

WRAPPER = "#!/bin/sh\nexec /opt/grader/current/venv/bin/grader \"$@\"\n"
EVIL = "#!/bin/sh\nid > /tmp/owned\n"


def a_site(root: Path) -> dict[str, str]:
    """A site in `root`: `bin/grader` beside an instance folder holding a database, a secret key and
    a queue, as `grader bundle install` lays it out."""
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "grader").write_text(WRAPPER)
    instance = root / "instance"
    instance.mkdir(mode=0o700)
    url = f"sqlite:///{instance / 'grader.db'}"
    seed_first_revision(url)
    upgrade_database(url)
    (instance / "grader.db").chmod(0o600)  # as `grader db upgrade` makes it (umask 077)
    (instance / "secret_key").write_text("k" * 48)
    (instance / "secret_key").chmod(0o600)
    return clean_env(GRADER_INSTANCE=str(instance), GRADER_BACKUPS=str(root / "backups"))


def site_data(env: dict[str, str]) -> SiteData:
    return SiteData.from_settings(Settings.from_env(env))


def repack(backup: Path, out: Path, extra: dict[str, bytes], listed: dict[str, bytes],
           keep_seal: bool = True) -> Path:
    """`backup` with the files `extra` added to the tar and `listed` added to backup.json (with their
    true SHA-256s), as someone holding the file would make it; the old seal kept (or dropped)."""
    with tarfile.open(backup) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()  # type: ignore[union-attr]
                   if m.isfile()}
    info = json.loads(members[INFO])
    for name, data in listed.items():
        info["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    members[INFO] = (json.dumps(info, indent=1, sort_keys=True) + "\n").encode()
    if not keep_seal:
        members.pop(SEAL)
    members.update(extra)
    with tarfile.open(out, "w:gz") as archive:
        for name, data in members.items():
            member = tarfile.TarInfo(name)
            member.size, member.mode = len(data), 0o600
            archive.addfile(member, io.BytesIO(data))
    return out


@pytest.fixture
def site(tmp_path: Path) -> dict[str, str]:
    return a_site(tmp_path / "grader")


@pytest.fixture
def backup(site: dict[str, str]) -> Path:
    path, _ = create_backup(site_data(site))
    return path


def wrapper_of(env: dict[str, str]) -> str:
    return (Path(env["GRADER_INSTANCE"]).parent / "bin" / "grader").read_text()


@pytest.mark.parametrize("trust", [False, True])
def test_a_name_that_climbs_out_of_the_instance_folder_is_refused(site: dict[str, str], backup: Path,
                                                                   tmp_path: Path, trust: bool) -> None:
    """The issue's attack: `instance/../bin/grader` listed in backup.json replaced the wrapper that
    systemd starts as root. Refused even with --trust: no back-up ever needs such a name."""
    forged = repack(backup, tmp_path / "forged.tar.gz", {"bin/grader": EVIL.encode()},
                    {"instance/../bin/grader": EVIL.encode()}, keep_seal=not trust)
    done = grader("restore", str(forged), "--force", *(["--trust"] if trust else []), env=site)
    assert done.returncode == 1
    assert "'bin/grader', which a back-up never holds" in done.stderr, done.stderr
    assert wrapper_of(site) == WRAPPER


def test_a_listed_name_that_climbs_out_is_refused_before_anything_is_written(
        site: dict[str, str], backup: Path, tmp_path: Path) -> None:
    """backup.json alone names a file outside (the database copy is a member already)."""
    database = (Path(site["GRADER_INSTANCE"]) / "grader.db").read_bytes()
    forged = repack(backup, tmp_path / "forged.tar.gz", {}, {"instance/../database.sqlite3": database})
    done = grader("restore", str(forged), "--force", "--trust", env=site)
    assert done.returncode == 1
    assert "lists 'instance/../database.sqlite3'" in done.stderr and "plain names" in done.stderr, done.stderr
    assert not (Path(site["GRADER_INSTANCE"]).parent / "database.sqlite3").exists()


def test_a_symbolic_link_in_the_instance_folder_cannot_carry_a_restore_outside(site: dict[str, str],
                                                                              backup: Path,
                                                                              tmp_path: Path) -> None:
    instance = Path(site["GRADER_INSTANCE"])
    (instance / "tools").symlink_to(instance.parent / "bin")
    forged = repack(backup, tmp_path / "forged.tar.gz", {"instance/tools/grader": EVIL.encode()},
                    {"instance/tools/grader": EVIL.encode()})
    done = grader("restore", str(forged), "--force", "--trust", env=site)
    assert done.returncode == 1
    assert "outside the instance folder" in done.stderr, done.stderr
    assert wrapper_of(site) == WRAPPER


@pytest.mark.parametrize("name", [
    "instance/../bin/grader", "instance/./secret_key", "instance//secret_key", "/etc/cron.d/x", "bin/grader",
    "instance", "instance/", "instance/a/../../x", "instance/..\\..\\bin\\grader", "instance/x\nname",
    "instance/x\x00", "instance/backup_key", "../instance/secret_key", "instance/" + "a" * 300,
])
def test_only_plain_names_inside_the_instance_folder_are_backup_files(name: str) -> None:
    assert plain_name_problem(name) is not None


@pytest.mark.parametrize("name", ["database.sqlite3", "database.pgdump", "instance/secret_key",
                                  "instance/queue.db", "instance/references/pic-1.png", "instance/.hidden"])
def test_the_files_a_site_backs_up_are_plain_names(name: str) -> None:
    assert plain_name_problem(name) is None


def test_a_backup_changed_after_it_was_made_is_refused_even_with_matching_checksums(
        site: dict[str, str], backup: Path, tmp_path: Path) -> None:
    """Whoever holds a back-up changes the secret key in it and writes the new SHA-256 into
    backup.json: the seal (made with a key that is never in a back-up) no longer matches."""
    forged = repack(backup, tmp_path / "forged.tar.gz", {"instance/secret_key": b"mine" * 12},
                    {"instance/secret_key": b"mine" * 12})
    done = grader("restore", str(forged), "--force", env=site)
    assert done.returncode == 1
    assert "changed after it was made" in done.stderr and "--trust" in done.stderr, done.stderr
    assert (Path(site["GRADER_INSTANCE"]) / "secret_key").read_text() == "k" * 48


def test_a_backup_of_another_site_needs_trust(site: dict[str, str], tmp_path: Path) -> None:
    elsewhere = a_site(tmp_path / "elsewhere")
    theirs, _ = create_backup(site_data(elsewhere))
    refused = grader("restore", str(theirs), "--force", env=site)
    assert refused.returncode == 1
    assert "was not made by this site" in refused.stderr and "another site's key" in refused.stderr
    assert "run again with --trust" in refused.stderr, refused.stderr
    trusted = grader("restore", str(theirs), "--force", "--trust", env=site)
    assert trusted.returncode == 0, trusted.stderr


def test_a_backup_without_a_seal_needs_trust(site: dict[str, str], backup: Path, tmp_path: Path) -> None:
    unsealed = repack(backup, tmp_path / "unsealed.tar.gz", {}, {}, keep_seal=False)
    refused = grader("restore", str(unsealed), "--force", env=site)
    assert refused.returncode == 1 and "carries no seal" in refused.stderr, refused.stderr


def test_the_sites_own_backup_restores_without_trust(site: dict[str, str], backup: Path) -> None:
    done = grader("restore", str(backup), "--force", env=site)
    assert done.returncode == 0, done.stderr
    with tarfile.open(backup) as archive:
        assert "instance/backup_key" not in archive.getnames()  # the key never leaves the site


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backups_and_restored_files_are_private_whatever_the_umask(site: dict[str, str], backup: Path,
                                                                    tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        instance = Path(site["GRADER_INSTANCE"])
        (instance / "grader.db").chmod(0o644)
        made = grader("backup", env=site)
        assert made.returncode == 0, made.stderr
        path = Path(made.stdout.split(":", 1)[0])
        assert mode(path) == 0o600 and mode(path.parent) == 0o700
        restored = grader("restore", str(path), "--force", env=site)
        assert restored.returncode == 0, restored.stderr
        assert mode(instance) == 0o700
        assert mode(instance / "grader.db") == 0o600 and mode(instance / "secret_key") == 0o600
        assert mode(instance / "backup_key") == 0o600
    finally:
        os.umask(old)


def test_commands_that_write_data_make_it_private(tmp_path: Path) -> None:
    instance = tmp_path / "new-instance"
    env = clean_env(GRADER_INSTANCE=str(instance))
    old = os.umask(0o022)
    try:
        done = grader("db", "upgrade", env=env)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert mode(instance) == 0o700 and mode(instance / "grader.db") == 0o600


def test_doctor_reports_data_others_can_read(site: dict[str, str], backup: Path) -> None:
    instance = Path(site["GRADER_INSTANCE"])
    assert mode_problems(instance, backup.parent) == []
    (instance / "grader.db").chmod(0o644)
    instance.chmod(0o755)
    backup.chmod(0o640)
    found = {problem.path: problem.sentence() for problem in mode_problems(instance, backup.parent)}
    assert set(found) == {instance, instance / "grader.db", backup}
    assert "others can read or change it (chmod 600 " in found[instance / "grader.db"]
    assert "its group can read or change it (chmod 600 " in found[backup]


def test_a_group_shared_instance_may_share_data_but_never_the_secret_key(site: dict[str, str],
                                                                        backup: Path) -> None:
    """Site and worker as two users with a common group (deploy/): the instance folder is 2770."""
    instance = Path(site["GRADER_INSTANCE"])
    instance.chmod(0o2770)
    (instance / "grader.db").chmod(0o660)
    assert mode_problems(instance, backup.parent) == []
    (instance / "secret_key").chmod(0o640)
    (instance / "grader.db").chmod(0o664)
    assert {p.path.name for p in mode_problems(instance, backup.parent)} == {"secret_key", "grader.db"}

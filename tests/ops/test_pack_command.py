"""`grader pack export|import|trust` (ops/pack_commands.py) on real folders, a real SQLite database,
Debian's git and the real sandbox: a pack made at one site is imported at another as drafts, kept in
the folder's history; a pack whose solution does not earn full marks, or that no trusted key signed,
changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from cli import main
from store.db import make_engine, session_factory
from store.models import ExerciseRow
from store.site_key import fingerprint
from tests.helpers.packs import make_site, tree, write_private_key, write_public_key


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _grader(tmp_path: Path, site: str, *args: str) -> Result:
    env = {"GRADER_INSTANCE": str(tmp_path / site / "instance"),
           "GRADER_EXERCISES": str(tmp_path / site / "ex"), "GRADER_HOME": str(tmp_path / site / "opt")}
    return CliRunner().invoke(main, list(args), env=env)


def _export(tmp_path: Path, key: Ed25519PrivateKey, *tracks: str) -> Path:
    out = tmp_path / "shared.pack"
    done = _grader(tmp_path, "a", "pack", "export", *tracks, "--sign-key",
                   str(write_private_key(key, tmp_path / "keys" / "maker.key")), "-o", str(out))
    assert done.exit_code == 0, done.output
    assert fingerprint(key.public_key()) in done.output
    return out


def _rows(tmp_path: Path, site: str) -> dict[str, ExerciseRow]:
    engine = make_engine(f"sqlite:///{tmp_path / site / 'instance' / 'grader.db'}")
    try:
        with session_factory(engine)() as session:
            return {row.key: row for row in session.scalars(select(ExerciseRow))}
    finally:
        engine.dispose()


def test_an_untrusted_pack_changes_nothing_until_its_key_is_trusted(tmp_path: Path,
                                                                     key: Ed25519PrivateKey) -> None:
    make_site(tmp_path / "a" / "ex", "python/01-hello")
    make_site(tmp_path / "b" / "ex", "css/01-colours")
    pack = _export(tmp_path, key, "python")
    before = tree(tmp_path / "b" / "ex")
    refused = _grader(tmp_path, "b", "pack", "import", str(pack))
    assert refused.exit_code == 1 and "grader pack trust" in refused.output
    assert tree(tmp_path / "b" / "ex") == before
    public = write_public_key(key, tmp_path / "keys" / "maker.pub")
    trusted = _grader(tmp_path, "b", "pack", "trust", str(public))
    assert trusted.exit_code == 0 and fingerprint(key.public_key()) in trusted.output
    dry = _grader(tmp_path, "b", "pack", "import", "--dry-run", str(pack))
    assert "new               python/01-hello" in dry.output
    assert tree(tmp_path / "b" / "ex") == before


@pytest.mark.docker
def test_a_pack_is_graded_then_imported_as_drafts_with_history(tmp_path: Path, key: Ed25519PrivateKey,
                                                               runner_image: str) -> None:
    make_site(tmp_path / "a" / "ex", "python/01-hello", "python/02-bye")
    make_site(tmp_path / "b" / "ex", "css/01-colours")
    pack = _export(tmp_path, key, "python")
    _grader(tmp_path, "b", "pack", "trust", str(write_public_key(key, tmp_path / "keys" / "maker.pub")))
    done = _grader(tmp_path, "b", "pack", "import", str(pack))
    assert done.exit_code == 0, done.output
    assert "grading   python/01-hello" in done.output and "Imported 2 new and 0 changed" in done.output
    rows = _rows(tmp_path, "b")
    assert rows["python/01-hello"].draft and rows["python/02-bye"].draft, "learners do not see them yet"
    assert not rows["css/01-colours"].draft, "what the site had before is published as it was"
    log = subprocess.run(["git", "-C", str(tmp_path / "b" / "ex"), "log", "--format=%s"], capture_output=True,
                         text=True, check=True).stdout
    assert "Imported the pack shared.pack (python)" in log
    again = _grader(tmp_path, "b", "pack", "import", str(pack))
    assert again.exit_code == 0 and "Nothing to import" in again.output


@pytest.mark.docker
def test_a_pack_whose_solution_fails_is_not_imported(tmp_path: Path, key: Ed25519PrivateKey,
                                                     runner_image: str) -> None:
    source = make_site(tmp_path / "a" / "ex", "python/01-hello")
    (source / "python/01-hello/solution/hello.py").write_text("print('something else')\n")
    make_site(tmp_path / "b" / "ex", "css/01-colours")
    pack = _export(tmp_path, key, "python")
    _grader(tmp_path, "b", "pack", "trust", str(write_public_key(key, tmp_path / "keys" / "maker.pub")))
    before = tree(tmp_path / "b" / "ex")
    done = _grader(tmp_path, "b", "pack", "import", str(pack))
    assert done.exit_code == 1
    assert "Nothing was imported" in done.output and "solution: does not earn full marks" in done.output
    assert tree(tmp_path / "b" / "ex") == before

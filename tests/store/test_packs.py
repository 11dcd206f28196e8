"""Exercise packs (store/packs.py): a signed pack of tracks is read only when a trusted key signed it and
every file is as signed; importing it says what is new, changed, the same and kept, writes nothing when
an exercise it brings has a mistake, and leaves this site's own exercises where they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from grader.catalog import scan_catalog
from store.packs import (
    MANIFEST,
    SIGNATURE,
    PackRefused,
    apply_import,
    export_pack,
    plan_import,
    read_pack,
    trust_pack_key,
    trusted_pack_keys,
)
from store.site_key import fingerprint
from tests.helpers.packs import make_site, members, rewrite, tree, write_public_key


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def pack(tmp_path: Path, key: Ed25519PrivateKey) -> Path:
    source = make_site(tmp_path / "a", "python/01-hello", "python/02-sum", "html/01-page")
    out = tmp_path / "python.pack"
    export_pack(source, ["python"], out, key, "9.9")
    return out


def _plan(pack: Path, root: Path, key: Ed25519PrivateKey, work: Path):  # type: ignore[no-untyped-def]
    verified = read_pack(pack, [key.public_key()], work / "pack")
    return plan_import(verified, root, work)


def test_a_pack_holds_its_tracks_with_versions_and_hashes(pack: Path, key: Ed25519PrivateKey,
                                                          tmp_path: Path) -> None:
    files = members(pack)
    manifest = json.loads(files[MANIFEST])
    assert manifest["tracks"] == ["python"] and manifest["signer"] == fingerprint(key.public_key())
    source = scan_catalog(tmp_path / "a")
    assert manifest["exercises"]["python/01-hello"]["version"] == \
        source.catalog.exercise("python/01-hello").sha256
    assert set(manifest["files"]) == {name for name in files if name not in (MANIFEST, SIGNATURE)}
    assert all(name.startswith("exercises/python/") for name in manifest["files"])
    assert "exercises/python/track.yaml" in files and not any("html" in name for name in files)
    key.public_key().verify(files[SIGNATURE], files[MANIFEST])


def test_import_into_another_site_adds_the_track_as_new(pack: Path, key: Ed25519PrivateKey,
                                                        tmp_path: Path) -> None:
    site = make_site(tmp_path / "b", "css/01-colours")
    (site / "catalog.yaml").write_text("# teaching order\ntracks: [css]\n")
    plan = _plan(pack, site, key, tmp_path / "work")
    assert plan.ok, plan.problems
    assert plan.new == ["python/01-hello", "python/02-sum"] and plan.new_tracks == ["python"]
    assert not plan.changed and not plan.unchanged and not plan.kept
    apply_import(plan, site)
    scan = scan_catalog(site)
    assert scan.problems == {}
    assert [track.name for track in scan.catalog.tracks] == ["css", "python"]
    assert (site / "catalog.yaml").read_text().startswith("# teaching order")
    theirs = scan_catalog(tmp_path / "a").catalog.exercise("python/02-sum").sha256
    assert scan.catalog.exercise("python/02-sum").sha256 == theirs
    again = _plan(pack, site, key, tmp_path / "again")
    assert again.unchanged == ["python/01-hello", "python/02-sum"] and not again.to_write


def test_a_changed_exercise_is_changed_and_local_ones_are_kept(pack: Path, key: Ed25519PrivateKey,
                                                               tmp_path: Path) -> None:
    site = make_site(tmp_path / "b", "python/01-hello", "python/02-sum", "python/09-mine")
    (site / "python/01-hello/instructions.md").write_text("Our own words.\n")
    (site / "python/01-hello/notes.txt").write_text("only here\n")
    plan = _plan(pack, site, key, tmp_path / "work")
    assert plan.ok, plan.problems
    assert plan.changed == ["python/01-hello"] and plan.unchanged == ["python/02-sum"]
    assert plan.kept == ["python/09-mine"] and not plan.new and not plan.new_tracks
    apply_import(plan, site)
    assert "Our own words" not in (site / "python/01-hello/instructions.md").read_text()
    assert not (site / "python/01-hello/notes.txt").exists(), "the exercise is the pack's, whole"
    assert (site / "python/09-mine/exercise.yaml").is_file()
    order = yaml.safe_load((site / "python/track.yaml").read_text())["order"]
    assert order == ["01-hello", "02-sum", "09-mine"]
    assert scan_catalog(site).problems == {}


def test_a_pack_whose_exercises_do_not_fit_here_imports_nothing(tmp_path: Path,
                                                                 key: Ed25519PrivateKey) -> None:
    source = make_site(tmp_path / "a", "python/01-hello", "flask/01-app")
    (source / "flask/track.yaml").write_text("title: Flask\nrequires: [python]\norder: [01-app]\n")
    out = tmp_path / "flask.pack"
    export_pack(source, ["flask"], out, key, "9.9")
    site = make_site(tmp_path / "b", "css/01-colours")
    before = tree(site)
    plan = _plan(out, site, key, tmp_path / "work")
    assert not plan.ok and any("no track 'python'" in problem for problem in plan.problems)
    with pytest.raises(PackRefused, match="nothing was imported"):
        apply_import(plan, site)
    assert tree(site) == before


def test_export_shares_only_sound_tracks(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    source = make_site(tmp_path / "a", "python/01-hello")
    with pytest.raises(PackRefused, match="no track 'ruby'"):
        export_pack(source, ["ruby"], tmp_path / "x.pack", key, "9.9")
    (source / "python/01-hello/exercise.yaml").write_text("format: 1\ntitle: Broken\n")
    with pytest.raises(PackRefused, match="mistakes"):
        export_pack(source, ["python"], tmp_path / "x.pack", key, "9.9")
    assert not (tmp_path / "x.pack").exists()


def _refused(pack: Path, key: Ed25519PrivateKey, tmp_path: Path, match: str) -> None:
    with pytest.raises(PackRefused, match=match):
        read_pack(pack, [key.public_key()], tmp_path / "refused")


def test_a_changed_file_is_refused(pack: Path, key: Ed25519PrivateKey, tmp_path: Path) -> None:
    files = members(pack)
    name = "exercises/python/01-hello/solution/hello.py"
    files[name] = files[name] + b"import os; os.system('rm -rf /')\n"
    rewrite(pack, files)
    _refused(pack, key, tmp_path, "does not match")


def test_an_added_file_is_refused(pack: Path, key: Ed25519PrivateKey, tmp_path: Path) -> None:
    rewrite(pack, {**members(pack), "exercises/python/01-hello/tests/extra.py": b"x = 1\n"})
    _refused(pack, key, tmp_path, "does not list")


def test_a_removed_file_is_refused(pack: Path, key: Ed25519PrivateKey, tmp_path: Path) -> None:
    files = members(pack)
    del files["exercises/python/02-sum/instructions.md"]
    rewrite(pack, files)
    _refused(pack, key, tmp_path, "lacks")


def test_a_changed_manifest_breaks_the_signature(pack: Path, key: Ed25519PrivateKey, tmp_path: Path) -> None:
    files = members(pack)
    manifest = json.loads(files[MANIFEST])
    manifest["files"]["exercises/python/01-hello/solution/hello.py"]["size"] += 1
    files[MANIFEST] = json.dumps(manifest).encode()
    rewrite(pack, files)
    _refused(pack, key, tmp_path, "not signed by a key this site trusts")


def test_an_unsigned_pack_is_refused(pack: Path, key: Ed25519PrivateKey, tmp_path: Path) -> None:
    files = members(pack)
    del files[SIGNATURE]
    rewrite(pack, files)
    _refused(pack, key, tmp_path, "not signed")


def test_a_pack_signed_by_an_untrusted_key_is_refused(pack: Path, key: Ed25519PrivateKey,
                                                      tmp_path: Path) -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(PackRefused) as refused:
        read_pack(pack, [other.public_key()], tmp_path / "x")
    said = str(refused.value)
    assert fingerprint(key.public_key()) in said and "grader pack trust" in said
    with pytest.raises(PackRefused, match="not signed by a key this site trusts"):
        read_pack(pack, [], tmp_path / "y")


@pytest.mark.parametrize("name", ["exercises/../../evil.py", "/etc/cron.d/evil", "exercises/python/.git/x",
                                  "elsewhere/x.py"])
def test_names_outside_the_pack_are_refused(pack: Path, key: Ed25519PrivateKey, tmp_path: Path,
                                            name: str) -> None:
    rewrite(pack, {**members(pack), name: b"x\n"})
    _refused(pack, key, tmp_path, "plain|outside")
    assert not (tmp_path / "evil.py").exists()


def test_links_are_refused(pack: Path, key: Ed25519PrivateKey, tmp_path: Path) -> None:
    rewrite(pack, members(pack), links={"exercises/python/01-hello/tests/secret": "/etc/shadow"})
    _refused(pack, key, tmp_path, "not a plain file")


def test_a_file_that_is_not_a_pack_is_refused(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    (tmp_path / "x.pack").write_bytes(b"\x1f\x8b not a tar at all")
    _refused(tmp_path / "x.pack", key, tmp_path, "not a pack")
    _refused(tmp_path / "missing.pack", key, tmp_path, "no such file")


def test_trusted_keys_are_those_of_bundles_and_packs(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    home = tmp_path / "opt"
    bundle_maker = Ed25519PrivateKey.generate()
    write_public_key(bundle_maker, home / "trusted-keys" / "maker.pub")
    path, name = trust_pack_key(home, write_public_key(key, tmp_path / "k.pub").read_bytes())
    assert path.parent == home / "trusted-packs" and name == fingerprint(key.public_key())
    found = {fingerprint(k) for k in trusted_pack_keys(home)}
    assert found == {fingerprint(key.public_key()), fingerprint(bundle_maker.public_key())}
    with pytest.raises(PackRefused, match="not a public key"):
        trust_pack_key(home, b"-----BEGIN NONSENSE-----\n")


def test_laying_a_pack_over_the_copy_never_writes_through_a_link(pack: Path, key: Ed25519PrivateKey,
                                                                  tmp_path: Path) -> None:
    """The site's python track is a link to a folder elsewhere: planning writes nothing there."""
    elsewhere = make_site(tmp_path / "elsewhere", "python/01-hello", "python/09-mine") / "python"
    (elsewhere / "01-hello" / "instructions.md").write_text("Ours.\n")
    site = tmp_path / "b"
    site.mkdir()
    (site / "python").symlink_to(elsewhere)
    before = tree(elsewhere)
    plan = _plan(pack, site, key, tmp_path / "work")
    assert plan.ok, plan.problems
    assert plan.changed == ["python/01-hello"] and plan.new == ["python/02-sum"]
    assert plan.kept == ["python/09-mine"]
    assert tree(elsewhere) == before, "only importing writes into the site's folder"


def test_a_track_where_this_site_has_a_file_is_a_problem(pack: Path, key: Ed25519PrivateKey,
                                                         tmp_path: Path) -> None:
    site = make_site(tmp_path / "b", "css/01-colours")
    (site / "python").write_text("not a folder\n")
    plan = _plan(pack, site, key, tmp_path / "work")
    assert not plan.ok and "a file of that name" in plan.problems[0]


def test_names_that_are_not_folder_names_are_refused(pack: Path, key: Ed25519PrivateKey,
                                                     tmp_path: Path) -> None:
    files = members(pack)
    manifest = json.loads(files[MANIFEST])
    manifest["exercises"]["python/01 hello"] = manifest["exercises"].pop("python/01-hello")
    raw = json.dumps(manifest).encode()
    rewrite(pack, {**files, MANIFEST: raw, SIGNATURE: key.sign(raw)})  # signed: a trusted maker's slip
    _refused(pack, key, tmp_path, "letters, digits")

"""`grader bundle create` and `grader bundle verify`: what a bundle holds, and that a bundle changed by
one byte, unsigned, or signed by a stranger is refused by the grader and by install.sh alike."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from grader import __version__
from ops.errors import BundleRefused
from ops.manifest import MANIFEST, SIGNATURE, FileEntry, Manifest
from ops.signing import generate_key_pair, load_private_key, load_public_key, sign
from ops.verify import verify_bundle
from ops.wheels import TargetPython, missing_requirements
from sandbox.engine import engine_client
from tests.helpers.ops import BuiltBundle, clean_env, grader, take_out_bootstrap

ROOT = Path(__file__).resolve().parents[2]
Keys = dict[str, tuple[Path, Path]]  # name -> (private key, public key)


def members(path: Path) -> dict[str, bytes | None]:
    """Every file of the tar at `path`: small ones with their bytes, big ones (images) as None."""
    found: dict[str, bytes | None] = {}
    with tarfile.open(path) as archive:
        for member in archive:
            stream = archive.extractfile(member)
            assert stream is not None
            found[member.name] = stream.read() if member.size < 50_000_000 else None
    return found


@pytest.mark.docker
def test_the_manifest_names_every_part_with_its_sha256(bundle: BuiltBundle) -> None:
    print(f"bundle: {bundle.path.stat().st_size / 1e6:.0f} MB, made in {bundle.seconds:.1f} s")
    manifest = Manifest.from_bytes(members(bundle.path)[MANIFEST] or b"")
    with tarfile.open(bundle.path) as archive:
        names = [member.name for member in archive]
        assert names[:4] == [MANIFEST, SIGNATURE, "README.txt", "install.sh"]
        for member in archive:
            if member.name in (MANIFEST, SIGNATURE):
                continue
            stream = archive.extractfile(member)
            assert stream is not None
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
            assert manifest.files[member.name] == FileEntry(digest, member.size), member.name
    assert set(manifest.files) == set(names) - {MANIFEST, SIGNATURE}
    assert manifest.grader_version == __version__ and manifest.python == "3.11"
    assert manifest.exercises == len(list((ROOT / "exercises").glob("*/*/exercise.yaml")))
    guides = {f"docs/{path.relative_to(ROOT / 'docs').as_posix()}" for path in (ROOT / "docs").rglob("*")
              if path.is_file()}
    assert guides | {"docs/README.md"} <= set(manifest.files)  # the guides travel with the bundle
    assert (ROOT / "scripts" / "install-from-bundle.sh").read_bytes() == members(bundle.path)["install.sh"]
    runner = next(image for image in manifest.images if manifest.runner_tag in image.images)
    assert runner.file == "images/runner.tar" and any(tag.startswith("grader-base:") for tag in runner.images)
    with engine_client(None, 30) as client:
        labels = client.inspect_image(manifest.runner_tag)["Config"]["Labels"]
    assert labels["org.grader.content-hash"] == manifest.runner_content_hash
    assert manifest.runner_tag.endswith(manifest.runner_content_hash[:12])


@pytest.mark.docker
def test_the_wheels_cover_every_dependency_on_debian_12(bundle: BuiltBundle, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name, data in members(bundle.path).items():
        if name.startswith("wheels/"):
            assert data is not None
            (wheels / Path(name).name).write_bytes(data)
    assert missing_requirements(wheels, ["grader", "pip"], TargetPython()) == []
    names = {parse_wheel_filename(path.name)[0] for path in wheels.glob("*.whl")}
    assert {"grader", "pip", "cryptography", "psycopg-binary", "async-timeout"} <= names
    for path in wheels.glob("*.whl"):  # pure Python, or built for CPython 3.11 on manylinux x86_64
        tags = parse_wheel_filename(path.name)[3]
        assert all(tag.platform == "any" or (tag.platform.startswith("manylinux") and
                                             tag.platform.endswith("x86_64")) for tag in tags), path.name
        assert any(tag.abi in ("none", "abi3") or tag.interpreter == "cp311" for tag in tags), path.name
    with zipfile.ZipFile(next(wheels.glob("grader-*.whl"))) as archive:  # the site's files are in the wheel
        files = archive.namelist()
    assert "web/static/app.js" in files and "web/templates/base.html" in files
    assert {"web/static/editor/editor.js", "web/static/editor/LICENSES.txt"} <= set(files)  # the editor
    assert any(name.startswith("store/migrations/versions/") for name in files)


@contextmanager
def one_byte_changed(path: Path, member: str) -> Iterator[None]:
    """Flip one byte in the middle of `member` of the tar at `path`, and put it back afterwards."""
    with tarfile.open(path) as archive:
        info = archive.getmember(member)
    offset = info.offset_data + info.size // 2
    with path.open("r+b") as handle:
        handle.seek(offset)
        original = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([original[0] ^ 0x01]))
    try:
        yield
    finally:
        with path.open("r+b") as handle:
            handle.seek(offset)
            handle.write(original)


def grader_wheel(path: Path) -> str:
    return next(name for name in members(path) if name.startswith("wheels/grader-"))


@pytest.mark.docker
@pytest.mark.parametrize("part", ["images/runner.tar", "the grader wheel"])
def test_a_bundle_with_one_byte_changed_is_refused(bundle: BuiltBundle, part: str, tmp_path: Path) -> None:
    member = grader_wheel(bundle.path) if part == "the grader wheel" else part
    script = take_out_bootstrap(bundle.path, tmp_path)
    prefix = tmp_path / "site"
    with one_byte_changed(bundle.path, member):
        checked = grader("bundle", "verify", str(bundle.path), "--key", str(bundle.public_key))
        installed = grader("bundle", "install", str(bundle.path), "--prefix", str(prefix))
        bootstrap = subprocess.run(["sh", str(script), str(bundle.path), "--trust", str(bundle.public_key),
                                    "--prefix", str(prefix)], capture_output=True, text=True, env=clean_env())
    for done in (checked, installed):
        assert done.returncode == 1
        assert f"{member} does not match the manifest" in done.stderr, done.stderr
        assert "Do not install it" in done.stderr
    assert bootstrap.returncode == 1 and f"{member} does not match the manifest" in bootstrap.stderr
    assert not (prefix / "current").exists() and not list((prefix / "venvs").glob("*"))


# Signatures, on small hand-made bundles (the checks are the same; the big one is slow to copy).

def tiny_bundle(path: Path, *, key: Path | None, extra: dict[str, bytes] | None = None,
                manifest_edit: bytes | None = None) -> Path:
    files = {"install.sh": b"#!/bin/sh\n", "wheels/demo-1.0-py3-none-any.whl": b"wheel"}
    entries = {name: FileEntry(hashlib.sha256(data).hexdigest(), len(data)) for name, data in files.items()}
    manifest = Manifest("9.9.9", "2026-01-02T03:04:05+00:00", "3.11", "manylinux_2_36 x86_64",
                        "grader-runner:abc", "abc", (), 0, entries)
    raw = manifest.to_bytes()
    parts = [(MANIFEST, manifest_edit or raw)]
    if key is not None:
        parts.append((SIGNATURE, sign(load_private_key(key, None), raw)))
    parts += list(files.items()) + list((extra or {}).items())
    with tarfile.open(path, "w") as archive:
        for name, data in parts:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    folder = tmp_path_factory.mktemp("tiny-keys")
    return {name: generate_key_pair(folder, name, None)[:2] for name in ("ours", "stranger")}


def refusal(path: Path, trusted: list[Path]) -> str:
    with pytest.raises(BundleRefused) as caught:
        verify_bundle(path, [load_public_key(key) for key in trusted])
    return str(caught.value)


def test_an_unsigned_bundle_is_refused_where_a_key_is_trusted(keys: Keys, tmp_path: Path) -> None:
    unsigned = tiny_bundle(tmp_path / "b.tar", key=None)
    assert "is not signed, and this site installs only bundles signed" in refusal(unsigned, [keys["ours"][1]])
    checked = verify_bundle(unsigned, [])  # `bundle verify` with no key: files checked, and it says so
    assert "not signed" in checked.summary() and checked.signer is None


@pytest.mark.parametrize("signer", [None, "ours"])
def test_a_site_that_trusts_no_key_refuses_to_install_without_allow_unsigned(
        keys: Keys, tmp_path: Path, signer: str | None) -> None:
    """Before: with no trusted key, any bundle installed, and its wheels ran as root."""
    bundle = tiny_bundle(tmp_path / "b.tar", key=keys[signer][0] if signer else None)
    with pytest.raises(BundleRefused) as caught:
        verify_bundle(bundle, [], require_signer=True)
    assert "this site trusts no" in str(caught.value) and "--allow-unsigned" in str(caught.value)
    assert "--trust KEY.pub" in str(caught.value)
    prefix = tmp_path / "site"
    done = grader("bundle", "install", str(bundle), "--prefix", str(prefix), "--skip-doctor")
    assert done.returncode == 1
    assert "run as root" in done.stderr and "--allow-unsigned" in done.stderr, done.stderr
    assert not (prefix / "releases").exists() and not (prefix / "venvs").exists()


def test_install_sh_refuses_an_unsigned_bundle_unless_allowed(tmp_path: Path) -> None:
    script = tmp_path / "install.sh"
    script.write_bytes((ROOT / "scripts" / "install-from-bundle.sh").read_bytes())
    unsigned = tiny_bundle(tmp_path / "b.tar", key=None)
    prefix = tmp_path / "site"
    done = subprocess.run(["sh", str(script), str(unsigned), "--prefix", str(prefix)], capture_output=True,
                          text=True, env=clean_env())
    assert done.returncode == 1 and "trusts no signing key" in done.stderr, done.stderr
    assert "--allow-unsigned" in done.stderr and "run as root" in done.stderr
    assert not list((prefix / "venvs").iterdir())
    allowed = subprocess.run(["sh", str(script), str(unsigned), "--prefix", str(prefix), "--allow-unsigned"],
                             capture_output=True, text=True, env=clean_env())
    assert "--allow-unsigned, so the bundle was checked against its own manifest only" in allowed.stdout, (
        allowed.stdout + allowed.stderr)


def test_a_bundle_signed_by_a_stranger_is_refused(keys: Keys, tmp_path: Path) -> None:
    theirs = tiny_bundle(tmp_path / "b.tar", key=keys["stranger"][0])
    assert "signature does not match any key this site trusts" in refusal(theirs, [keys["ours"][1]])
    ours = tiny_bundle(tmp_path / "c.tar", key=keys["ours"][0])
    assert verify_bundle(ours, [load_public_key(keys["ours"][1])]).signer is not None


def test_a_manifest_changed_after_signing_is_refused(keys: Keys, tmp_path: Path) -> None:
    manifest = Manifest.from_bytes(members(tiny_bundle(tmp_path / "a.tar", key=None))[MANIFEST] or b"")
    edited = manifest.to_bytes().replace(b"9.9.9", b"9.9.8")
    changed = tiny_bundle(tmp_path / "b.tar", key=keys["ours"][0], manifest_edit=edited)
    assert "signature does not match" in refusal(changed, [keys["ours"][1]])


@pytest.mark.parametrize("extra, words", [
    ({"../evil.sh": b"x"}, "not a plain file with a plain name"),
    ({"install.sh": b"#!/bin/sh\nrm -rf /\n"}, "holds 'install.sh' twice"),
    ({"wheels/extra-1.0-py3-none-any.whl": b"x"}, "which the manifest does not list"),
])
def test_a_bundle_with_a_strange_member_is_refused(extra: dict[str, bytes], words: str,
                                                   tmp_path: Path) -> None:
    assert words in refusal(tiny_bundle(tmp_path / "b.tar", key=None, extra=extra), [])


def test_install_sh_checks_the_signature_with_openssl(keys: Keys, tmp_path: Path) -> None:
    script = tmp_path / "install.sh"
    script.write_bytes((ROOT / "scripts" / "install-from-bundle.sh").read_bytes())
    theirs = tiny_bundle(tmp_path / "b.tar", key=keys["stranger"][0])
    done = subprocess.run(["sh", str(script), str(theirs), "--trust", str(keys["ours"][1]), "--prefix",
                           str(tmp_path / "site")], capture_output=True, text=True, env=clean_env())
    assert done.returncode == 1 and "signature does not match the trusted key" in done.stderr, done.stderr
    unsigned = tiny_bundle(tmp_path / "c.tar", key=None)
    done = subprocess.run(["sh", str(script), str(unsigned), "--trust", str(keys["ours"][1]), "--prefix",
                           str(tmp_path / "site")], capture_output=True, text=True, env=clean_env())
    assert done.returncode == 1 and "is not signed" in done.stderr, done.stderr
    assert not (tmp_path / "site" / "venvs").exists() or not list((tmp_path / "site" / "venvs").iterdir())

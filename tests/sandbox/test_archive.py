"""Tests of sandbox/archive.py and the in-container entry that unpacks its stream (no engine)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

from sandbox.archive import MANIFEST, STDIN, build_payload, check_relative_path

ENTRY = Path(__file__).resolve().parents[2] / "sandbox" / "incontainer" / "entry.py"

UNSAFE = [
    "",
    "/etc/passwd",
    "/work/main.py",
    "..",
    "../main.py",
    "a/../../main.py",
    "a/..",
    "./main.py",
    "a/./b.py",
    "a//b.py",
    "a/",
    "a\\b.py",
    "..\\main.py",
    "main\x00.py",
    ".sandbox/manifest.json",
    ".sandbox/stdin",
    ".sandbox",
    ".sandbox/x/y",
]


@pytest.mark.parametrize("path", UNSAFE)
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(ValueError, match="not a safe relative file path"):
        check_relative_path(path)


SAFE = ["main.py", "a/b/c.txt", ".hidden", "a/.sandbox/x", "sandbox/x", "é.py", "..a", "a.."]


@pytest.mark.parametrize("path", SAFE)
def test_plain_relative_paths_are_accepted(path: str) -> None:
    check_relative_path(path)


@pytest.mark.parametrize("path", UNSAFE)
def test_a_payload_with_an_unsafe_path_is_never_built(path: str) -> None:
    with pytest.raises(ValueError):
        build_payload({"ok.py": b"", path: b"x"}, ["true"], {}, b"")


def read_payload(payload: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r|") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}  # type: ignore[union-attr]


def test_payload_holds_files_manifest_and_stdin() -> None:
    files = {"b/c.bin": bytes(range(256)), "a.py": b"print(1)\n"}
    payload = build_payload(files, ["python3", "a.py"], {"LANG": "C.UTF-8"}, b"line\n")
    members = read_payload(payload)
    assert list(members) == ["a.py", "b/c.bin", MANIFEST, STDIN]
    assert members["b/c.bin"] == bytes(range(256))
    manifest = {"argv": ["python3", "a.py"], "env": {"LANG": "C.UTF-8"}, "as_grader": False}
    assert json.loads(members[MANIFEST]) == manifest
    assert members[STDIN] == b"line\n"


def test_empty_stdin_is_not_sent() -> None:
    assert list(read_payload(build_payload({}, ["true"], {}, b""))) == [MANIFEST]


def test_a_learner_file_cannot_replace_the_manifest() -> None:
    with pytest.raises(ValueError):
        build_payload({MANIFEST: b'{"argv": ["sh"]}'}, ["true"], {}, b"")


# -- the in-container entry, run here against a temporary /work ----------------------------


@pytest.fixture
def entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The entry, with its changes of uid left out (they need the container's CAP_SETUID)."""
    spec = importlib.util.spec_from_file_location("sandbox_entry_under_test", ENTRY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "WORK", str(tmp_path))
    monkeypatch.setattr(module.identity, "become_grader", lambda: None)
    monkeypatch.setattr(module.identity, "acting_as_learner", contextlib.nullcontext)
    return module


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_entry_unpacks_files_and_gives_stdin_in_memory(
    entry: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = build_payload({"a/b/c.txt": b"\x00\xffdata"}, ["cat"], {"X": "1"}, b"to stdin")
    monkeypatch.setattr("sys.stdin", FakeStdin(payload))
    manifest, stdin = entry.unpack()
    assert manifest == {"argv": ["cat"], "env": {"X": "1"}, "as_grader": False}
    assert (tmp_path / "a" / "b" / "c.txt").read_bytes() == b"\x00\xffdata"
    assert stdin == b"to stdin"
    assert not (tmp_path / ".sandbox").exists()  # stdin and manifest never land on the learner's disk


def hostile_tar(*members: tarfile.TarInfo, data: bytes = b"x") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w|") as tar:
        for member in members:
            if member.isfile():
                member.size = len(data)
                tar.addfile(member, io.BytesIO(data))
            else:
                tar.addfile(member)
        manifest = json.dumps({"argv": ["true"], "env": {}}).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["/etc/evil", "../evil", "a/../../evil", "a//evil"])
def test_entry_refuses_a_stream_with_an_escaping_path(
    entry: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The host never builds such a stream; the entry refuses it anyway (defence in depth)."""
    monkeypatch.setattr("sys.stdin", FakeStdin(hostile_tar(tarfile.TarInfo(name))))
    with pytest.raises(ValueError, match="refusing path"):
        entry.unpack()
    assert not (tmp_path.parent / "evil").exists()


def test_entry_skips_links_and_never_follows_them(
    entry: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = tarfile.TarInfo("link")
    link.type = tarfile.SYMTYPE
    link.linkname = str(tmp_path.parent / "outside")
    monkeypatch.setattr("sys.stdin", FakeStdin(hostile_tar(link)))
    entry.unpack()
    assert not os.path.lexists(tmp_path / "link")
    (tmp_path / "planted").symlink_to(tmp_path.parent / "outside")  # a link already there: not followed
    monkeypatch.setattr("sys.stdin", FakeStdin(hostile_tar(tarfile.TarInfo("planted"))))
    with pytest.raises(OSError):
        entry.unpack()
    assert not (tmp_path.parent / "outside").exists()


def test_entry_reports_a_broken_stream_with_exit_125(
    entry: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", FakeStdin(b"not a tar stream at all" * 40))
    assert entry.main() == 125
    assert "sandbox: could not set up the run" in capsys.readouterr().err


def test_entry_without_a_manifest_refuses_to_run(entry: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w|"):
        pass
    monkeypatch.setattr("sys.stdin", FakeStdin(buffer.getvalue()))
    with pytest.raises(ValueError, match="no manifest"):
        entry.unpack()

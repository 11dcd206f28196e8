"""The tar stream a container reads on stdin: the run's files, its manifest and its stdin."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

MANIFEST = ".sandbox/manifest.json"
STDIN = ".sandbox/stdin"


def check_relative_path(path: str) -> None:
    """Raise ValueError unless `path` is a plain relative POSIX path that stays under /work."""
    pure = PurePosixPath(path)
    if (
        not path
        or pure.is_absolute()
        or "\\" in path
        or "\x00" in path
        or any(part in ("", ".", "..") for part in path.split("/"))
        or pure.parts[0] == ".sandbox"
    ):
        raise ValueError(f"not a safe relative file path: {path!r}")


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def build_payload(
    files: Mapping[str, bytes], argv: Sequence[str], env: Mapping[str, str], stdin: bytes,
    as_grader: bool = False,
) -> bytes:
    """Pack a run into the stream the in-container entry unpacks.

    Raises:
        ValueError: a file path is not a safe relative path.
    """
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            check_relative_path(path)
            _add(tar, path, files[path])
        manifest = {"argv": list(argv), "env": dict(env), "as_grader": as_grader}
        _add(tar, MANIFEST, json.dumps(manifest).encode())
        if stdin:
            _add(tar, STDIN, stdin)
    return buffer.getvalue()

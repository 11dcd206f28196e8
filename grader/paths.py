"""Paths inside an exercise folder: the naming rules, reading files without escaping, the provenance hash.

Every path an instructor writes is relative POSIX with conservative names, so that it means the same on
every host, inside the sandbox and in a tar stream. Links are followed only while they stay in the folder.
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
MAX_WALK_DEPTH = 10


def check_relative_path(value: str, *, max_depth: int = 8, folder: bool = False) -> str:
    """Return `value` if it is a safe relative POSIX path (a trailing '/' allowed with `folder`).

    Raises:
        ValueError: saying in plain words what is wrong with it.
    """
    if not value:
        raise ValueError("a path must not be empty")
    if "\\" in value:
        raise ValueError(f"{value!r}: use '/' between folders, not '\\'")
    if value.startswith("/") or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"{value!r} is an absolute path: give a path inside the exercise folder")
    parts = (value.removesuffix("/") if folder else value).split("/")
    if ".." in parts:
        raise ValueError(f"{value!r} goes outside the exercise folder ('..' is not allowed)")
    if "" in parts or "." in parts:
        raise ValueError(f"{value!r} has an empty or '.' part")
    for part in parts:
        if not _PART.match(part):
            raise ValueError(
                f"{value!r}: names may use only letters, digits, '_', '.' and '-', "
                "and must not start with '.' or '-'"
            )
    if len(parts) > max_depth:
        raise ValueError(f"{value!r} is nested too deeply (at most {max_depth} levels)")
    return value


def _learner_path(value: str) -> str:
    return check_relative_path(value, max_depth=3)


def _folder_path(value: str) -> str:
    return check_relative_path(value, folder=True)


RelativePath = Annotated[str, AfterValidator(check_relative_path)]
"""A file in the exercise folder (tests, fixtures, expected outputs)."""
LearnerPath = Annotated[str, AfterValidator(_learner_path)]
"""A file the learner writes: at most three levels deep."""
FolderPath = Annotated[str, AfterValidator(_folder_path)]
"""A folder in the exercise folder, written with or without a trailing '/'."""


def inside(folder: Path, relative: str) -> Path | None:
    """`folder/relative` with links resolved, or None when that leads outside `folder`."""
    target = (folder / relative).resolve()
    return target if target.is_relative_to(folder.resolve()) else None


def file_problem(folder: Path, relative: str) -> str | None:
    """Why `relative` is not a readable regular file inside `folder`, or None when it is."""
    target = inside(folder, relative)
    if target is None:
        return f"'{relative}' is a link that points outside the exercise folder"
    if not target.exists():
        return f"file '{relative}' not found in the exercise folder"
    if not target.is_file():
        return f"'{relative}' is not a file"
    return None


def ignored(name: str) -> bool:
    """Names skipped everywhere: hidden files (.gitkeep, .DS_Store) and Python's byte-code caches."""
    return name.startswith(".") or name == "__pycache__"


def walk_files(top: Path, boundary: Path) -> tuple[list[str], list[str]]:
    """Regular files under `top` as sorted relative POSIX paths, and the links that leave `boundary`.

    Links are followed only while they stay inside `boundary`; devices, pipes and sockets are skipped.
    """
    files: list[str] = []
    escaping: list[str] = []
    limit = boundary.resolve()

    def visit(directory: Path, prefix: str, depth: int) -> None:
        for entry in sorted(directory.iterdir()):
            if ignored(entry.name):
                continue
            name = prefix + entry.name
            if entry.is_symlink() and not entry.resolve().is_relative_to(limit):
                escaping.append(name)
                continue
            mode = entry.stat().st_mode if entry.exists() else 0
            if stat.S_ISDIR(mode) and depth < MAX_WALK_DEPTH:
                visit(entry, name + "/", depth + 1)
            elif stat.S_ISREG(mode):
                files.append(name)

    if top.is_dir():
        visit(top, "", 0)
    return sorted(files), sorted(escaping)


def read_files(top: Path, boundary: Path) -> dict[str, bytes]:
    """The contents of `walk_files(top, boundary)`."""
    files, _ = walk_files(top, boundary)
    return {name: (top / name).read_bytes() for name in files}


def folder_sha256(folder: Path, skip: frozenset[str] = frozenset({"wrong", "right"})) -> str:
    """A deterministic hash of every file in `folder` (names and contents), except top-level `skip`."""
    digest = hashlib.sha256()
    files, _ = walk_files(folder, folder)
    for name in files:
        if name.split("/", 1)[0] in skip:
            continue
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
    return digest.hexdigest()

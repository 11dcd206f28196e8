"""Checking a submission before anything of it is stored or run: only the exercise's files, sane
names, sane sizes. A refused submission is refused whole, with every reason."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from grader.paths import check_relative_path

MAX_FILE_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 1024 * 1024

HIJACKING_NAMES = frozenset({
    "conftest.py", "sitecustomize.py", "usercustomize.py", "pytest.ini", "tox.ini", "setup.cfg",
    "pyproject.toml", "__init__.py", "package.json", "node_modules",
})
"""Files that tools read on their own, which would let a learner change how their work is tested."""
SHADOWED_MODULES = frozenset(sys.stdlib_module_names) | frozenset({
    "pytest", "_pytest", "pluggy", "py", "flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous",
    "click", "bs4", "html5lib", "tinycss2", "requests", "grader_pytest", "harness", "actions",
    "children", "http_client", "serve_flask",
})
"""Module names a learner's file must not take: it would replace the real module for the tests."""


class SubmissionRejected(ValueError):
    """The submission cannot be accepted; `problems` says why, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def name_problem(path: str) -> str | None:
    """Why a learner may not have a file at `path`, or None."""
    try:
        check_relative_path(path, max_depth=3)
    except ValueError as error:
        return str(error)
    name = path.rsplit("/", 1)[-1]
    if name in HIJACKING_NAMES or name.endswith(".pth"):
        return f"{path}: a file named {name} is not allowed, because it would change how your work is tested"
    if name.endswith(".py") and name[:-3] in SHADOWED_MODULES:
        return (
            f"{path}: please choose another name: {name[:-3]} is the name of a module Python already has, "
            "and your file would hide it"
        )
    return None


def check_submission(allowed: tuple[str, ...], files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The submission's files if every one is acceptable.

    Raises:
        SubmissionRejected: with every problem found.
    """
    problems = []
    total = 0
    for path, data in sorted(files.items()):
        if path not in allowed:
            expected = ", ".join(allowed)
            problems.append(f"{path} is not one of this exercise's files ({expected})")
            continue
        problem = name_problem(path)
        if problem:
            problems.append(problem)
        if len(data) > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024
            problems.append(f"{path} is {len(data) // 1024} KiB; a file may be at most {limit} KiB")
        total += len(data)
    if total > MAX_TOTAL_BYTES:
        problems.append(f"the files add up to {total // 1024} KiB; at most {MAX_TOTAL_BYTES // 1024} KiB")
    if problems:
        raise SubmissionRejected(problems)
    return dict(files)


def read_submission_folder(
    folder: Path, allowed: tuple[str, ...], skip: frozenset[str] = frozenset()
) -> dict[str, bytes]:
    """Read a submission from a folder, refusing links, special files and files not in `allowed`;
    `skip`: top-level names that are notes about the submission, not part of it (a wrong
    submission's expect.yaml).

    Raises:
        SubmissionRejected: with every problem found (nothing is read from refused entries).
    """
    if not folder.is_dir():
        raise SubmissionRejected([f"{folder} is not a folder"])
    problems: list[str] = []
    files: dict[str, bytes] = {}
    entries = []
    for parent, dirs, names in os.walk(folder):  # never follows links to folders
        entries += [Path(parent, name) for name in names]
        entries += [Path(parent, name) for name in dirs if Path(parent, name).is_symlink()]
    for entry in sorted(entries):
        relative = entry.relative_to(folder).as_posix()
        if relative in skip and relative not in allowed:
            continue
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            problems.append(f"{relative} is a link; send the file itself")
        elif not stat.S_ISREG(mode):
            problems.append(f"{relative} is not a regular file")
        elif entry.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{relative} is larger than {MAX_FILE_BYTES // 1024} KiB")
        else:
            files[relative] = entry.read_bytes()
    if problems:
        raise SubmissionRejected(problems)
    return check_submission(allowed, files)

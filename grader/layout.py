"""The files of an exercise folder that the YAML refers to: starter, solution, other right solutions,
wrong submissions, checks' own files and the instructions. Each rule returns problems as (YAML
location, message).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from grader.checks.base import CheckSpec
from grader.errors import Location
from grader.paths import check_relative_path, file_problem, ignored, inside, walk_files

Problem = tuple[Location, str]
WRONG = "wrong"
RIGHT = "right"
EXPECT = "expect.yaml"
"""In a wrong submission's folder: which checks it must fail, and what their messages must say."""


def folder_label(name: str) -> str:
    """`starter` or `starter/` -> `starter/`."""
    return name.removesuffix("/") + "/"


def submission_problems(
    folder: Path, name: str, files: Sequence[str | None], key: str | None, *, complete: bool,
    besides: frozenset[str] = frozenset(),
) -> list[Problem]:
    """A folder of learner files (starter, solution, a right or a wrong one): only the exercise's
    `files:` (and the `besides` files, which are not submitted), no link leaving the exercise folder
    and, when `complete`, every one of `files:`."""
    label = folder_label(name)
    where: Location = () if key is None else (key,)
    top = inside(folder, label)
    if top is None:
        return [(where, f"'{label}' points outside the exercise folder")]
    if not top.is_dir():
        return [(where, f"folder '{label}' not found")]
    present, escaping = walk_files(top, folder)
    problems: list[Problem] = [
        (where, f"{label}{path} is a link that points outside the exercise folder") for path in escaping
    ]
    problems += [
        (("files",), f"{label}{path} is not one of the exercise's files")
        for path in present
        if path not in files and path not in besides
    ]
    if complete:
        problems += [
            (("files", index), f"{label} does not provide '{path}'")
            for index, path in enumerate(files)
            if path is not None and path not in present
        ]
    return problems


def wrong_problems(folder: Path, files: Sequence[str | None]) -> list[Problem]:
    """`wrong/` is optional: a folder of folders, each one known-wrong submission (and maybe its
    expect.yaml). `right/` too: each folder another correct solution, complete."""
    problems: list[Problem] = []
    for top, what in ((WRONG, "wrong submission"), (RIGHT, "right solution")):
        place = folder / top
        if not place.exists() and not place.is_symlink():
            continue
        if place.is_symlink() or not place.is_dir():
            problems.append(((), f"'{top}' should be a folder of {what}s, each in its own folder"))
            continue
        for entry in sorted(place.iterdir()):
            if ignored(entry.name):
                continue
            if entry.is_dir() and not entry.is_symlink():
                problems += submission_problems(
                    folder, f"{top}/{entry.name}", files, None, complete=top == RIGHT,
                    besides=frozenset({EXPECT}) if top == WRONG and EXPECT not in files else frozenset(),
                )
            else:
                problems.append(((), f"{top}/{entry.name} should be a folder holding one {what}"))
    return problems


def wrong_submission_names(folder: Path, top: str = WRONG) -> list[str]:
    """The names of the wrong submissions under `wrong/` (or of the right ones under `right/`)."""
    place = folder / top
    if not place.is_dir() or place.is_symlink():
        return []
    return [
        entry.name
        for entry in sorted(place.iterdir())
        if not ignored(entry.name) and entry.is_dir() and not entry.is_symlink()
    ]


def check_file_problem(
    folder: Path, path: str, learner_files: frozenset[str], private: tuple[str, ...], *, host_only: bool
) -> str | None:
    """Why a check cannot use `path`, or None. Files that enter the sandbox must not come from the
    `private` folders (the solution, wrong submissions): learner code could read them there."""
    if path in learner_files:  # the learner would write the test, or the verdict, themselves
        return f"'{path}' is one of the learner's files: a check must use the instructor's own files"
    if not host_only:
        for label in private:
            if path.startswith(label):
                return f"'{path}' is in {label}, which must never enter the sandbox"
    return file_problem(folder, path)


def resolve_instructions(folder: Path, value: str) -> tuple[str, str | None]:
    """The instructions' markdown and a problem, if any.

    `value` is a file in the folder when one exists there; else it is inline markdown, unless it is a
    single word ending in `.md`, which must then be a file.
    """
    text = value.strip()
    if not text or any(char.isspace() for char in text):
        return value, None
    try:
        check_relative_path(text)
    except ValueError as exc:
        return (value, str(exc)) if text.endswith(".md") else (value, None)
    target = inside(folder, text)
    if target is None:
        return "", f"'{text}' is a link that points outside the exercise folder"
    if target.is_file():
        try:
            return target.read_text(encoding="utf-8"), None
        except UnicodeDecodeError:
            return "", f"'{text}' is not valid UTF-8 text"
    if text.endswith(".md"):
        return "", f"instructions file '{text}' not found (write it, or give the instructions inline)"
    return value, None


def file_problems(
    folder: Path,
    files: Sequence[str | None] | None,
    starter: str | None,
    solution: str | None,
    checks: Mapping[int, CheckSpec],
    locate: Callable[[Location, str], Location],
) -> list[Problem]:
    """Every file mistake the YAML's usable parts reveal. `files` entries that were invalid are None
    (None for all of `files:`, `starter:` or `solution:` when unusable); `checks` are the valid checks
    by index; `locate(prefix, text)` finds where `text` is written under `prefix`."""
    problems: list[Problem] = []
    learner = frozenset(path for path in files or () if path is not None)
    if files is not None:
        seen: set[str] = set()
        for index, path in enumerate(files):
            if path is not None and path in seen:
                problems.append((("files", index), f"'{path}' is listed twice"))
            seen.add(path or "")
        for key, name in (("starter", starter), ("solution", solution)):
            if name is not None:
                problems += submission_problems(folder, name, files, key, complete=key == "solution")
        problems += wrong_problems(folder, files)
    private = (folder_label(solution or "solution"), WRONG + "/", RIGHT + "/")
    for index, check in checks.items():
        where = ("checks", index)
        if files is not None:
            problems += [((*where, *loc), message) for loc, message in check.cross_check(learner)]
        needs = [(path, False) for path in check.support_files()]
        needs += [(path, True) for path in check.expectation_files()]
        for path, host_only in needs:
            problem = check_file_problem(folder, path, learner, private, host_only=host_only)
            if problem is not None:
                problems.append((locate(where, path), problem))
    return problems

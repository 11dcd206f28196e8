"""What changed between two attempts' files, line by line (Python's difflib), as plain data a template
renders: the template escapes every line, so learner code can never become markup."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

CONTEXT = 3  # unchanged lines shown around each change
MAX_LINES = 4000  # past this a file is too long to compare on a page (difflib is quadratic at worst)

LineKind = Literal["same", "added", "removed", "gap"]
FileState = Literal["changed", "added", "removed", "same", "too_long"]


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    old: int | None  # line number in the earlier attempt
    new: int | None  # line number in this attempt
    text: str


@dataclass(frozen=True)
class FileDiff:
    path: str
    state: FileState
    lines: tuple[DiffLine, ...] = ()

    @property
    def added(self) -> int:
        return sum(line.kind == "added" for line in self.lines)

    @property
    def removed(self) -> int:
        return sum(line.kind == "removed" for line in self.lines)


def diff_files(before: dict[str, str], after: dict[str, str], context: int = CONTEXT) -> list[FileDiff]:
    """Each file of either attempt, by path: how `after` differs from `before`."""
    found = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            found.append(FileDiff(path, "same"))
            continue
        old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
        if max(len(old_lines), len(new_lines)) > MAX_LINES:
            found.append(FileDiff(path, "too_long"))
            continue
        state: FileState = "added" if old is None else "removed" if new is None else "changed"
        found.append(FileDiff(path, state, tuple(_lines(old_lines, new_lines, context))))
    return found


def _lines(old: list[str], new: list[str], context: int) -> list[DiffLine]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    lines: list[DiffLine] = []
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number or group[0][1] > 0:
            lines.append(DiffLine("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", i + 1, j + 1, old[i]) for i, j in zip(range(i1, i2), range(j1, j2),
                                                                               strict=True)]
                continue
            lines += [DiffLine("removed", i + 1, None, old[i]) for i in range(i1, i2)]
            lines += [DiffLine("added", None, j + 1, new[j]) for j in range(j1, j2)]
    if lines and _tail_hidden(lines, old):
        lines.append(DiffLine("gap", None, None, ""))
    return lines


def _tail_hidden(lines: list[DiffLine], old: list[str]) -> bool:
    """Whether unchanged lines after the last shown one are left out."""
    last_old = max((line.old for line in lines if line.old is not None), default=0)
    return last_old < len(old)

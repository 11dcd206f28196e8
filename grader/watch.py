"""`grader validate --watch PATH`: validate the exercises under PATH again each time a file is saved,
and say what changed: which files, and which problems appeared or went away.

Files are polled (names, sizes and modification times, twice a second): no file-system events
library, so it works the same on every host, on shared folders and USB sticks too. A change is
validated once the files have been quiet for a moment, since an editor may write a file in steps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.exercise import EXERCISE_FILE
from grader.paths import ignored

Stamp = tuple[int, int]
Check = Callable[[Path], tuple[str, list[str]]]
"""Validate one exercise folder: its key and its problems (none when it is sound)."""
POLL_S = 0.5
QUIET_S = 0.3
MAX_FILES = 20_000


def stamps(paths: list[Path]) -> dict[Path, Stamp]:
    """Every file under `paths` (hidden files and caches left out) with its size and modification time."""
    found: dict[Path, Stamp] = {}
    for top in paths:
        for path in [top] if top.is_file() else top.rglob("*"):
            if len(found) >= MAX_FILES:
                return found
            if path != top and any(ignored(part) for part in path.relative_to(top).parts):
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_file():
                found[path] = (info.st_mtime_ns, info.st_size)
    return found


def exercise_folder(path: Path, roots: list[Path]) -> Path | None:
    """The exercise folder `path` belongs to (the nearest folder with an exercise.yaml), within `roots`."""
    for folder in (path, *path.parents):
        if not any(folder == root or folder.is_relative_to(root) for root in roots):
            return None
        if (folder / EXERCISE_FILE).is_file() or (path.name == EXERCISE_FILE and folder == path.parent):
            return folder
    return None


@dataclass
class Watcher:
    """What the last validation of each exercise folder found, and the files as they were then."""

    roots: list[Path]
    check: Check
    say: Callable[[str], None]
    verdicts: dict[Path, tuple[str, list[str]]] = field(default_factory=dict)
    files: dict[Path, Stamp] = field(default_factory=dict)

    def start(self) -> None:
        """Validate everything once."""
        self.files = stamps(self.roots)
        folders = sorted({folder for path in self.files if (folder := exercise_folder(path, self.roots))})
        if not folders:
            self.say("No exercise here yet (an exercise is a folder with an exercise.yaml): waiting for one.")
        for folder in folders:
            self._validate(folder, first=True)

    def changes(self) -> list[Path]:
        """The files made, changed or removed since the last look (and remember them as they are now)."""
        now = stamps(self.roots)
        moved = sorted(path for path in set(now) | set(self.files) if now.get(path) != self.files.get(path))
        self.files = now
        return moved

    def round(self, changed: list[Path]) -> None:
        """Say which files changed, then validate again the exercises they belong to."""
        if not changed:
            return
        shown = ", ".join(self._relative(path) for path in changed[:8]) + (" ..." if len(changed) > 8 else "")
        self.say(f"{time.strftime('%H:%M:%S')} changed: {shown}")
        folders = {exercise_folder(path, self.roots) for path in changed}
        for folder in sorted(folder for folder in folders if folder is not None):
            if (folder / EXERCISE_FILE).is_file():
                self._validate(folder)
            elif folder in self.verdicts:
                key, _ = self.verdicts.pop(folder)
                self.say(f"gone {key}")

    def _relative(self, path: Path) -> str:
        for root in self.roots:
            if path.is_relative_to(root):
                return path.relative_to(root if root.is_dir() else root.parent).as_posix() or path.name
        return str(path)

    def _validate(self, folder: Path, first: bool = False) -> None:
        key, problems = self.check(folder)
        before = self.verdicts.get(folder)
        self.verdicts[folder] = (key, problems)
        self.say(f"{'ok  ' if not problems else 'FAIL'} {key}")
        if before is None or first:
            for problem in problems:
                self.say(f"     {problem}")
            return
        old, new = set(before[1]), set(problems)
        for problem in problems:
            if problem not in old:
                self.say(f"     + {problem}")
        fixed = [problem for problem in before[1] if problem not in new]
        for problem in fixed:
            self.say(f"     - {problem}  (fixed)")
        if not fixed and new == old:
            self.say("     (no change)" if problems else "     (still sound)")


def watch(roots: list[Path], check: Check, say: Callable[[str], None], stop: threading.Event,
          poll_s: float = POLL_S, quiet_s: float = QUIET_S) -> None:
    """Validate everything under `roots`, then again what each save changes, until `stop` is set."""
    watcher = Watcher([root.resolve() for root in roots], check, say)
    watcher.start()
    say("Watching for changes: save a file to validate it again (Ctrl-C stops).")
    while not stop.wait(poll_s):
        changed = watcher.changes()
        while changed and not stop.wait(quiet_s):
            more = watcher.changes()
            if not more:
                break
            changed = sorted(set(changed) | set(more))
        watcher.round(changed)

"""Versions of exercises kept by their content, so that an exercise's published version (and the
version each attempt was graded on) stays gradable while its folder changes:

    <root>/<sha256>/<track>/<slug>/     the exercise's files as they were (the sha256 of its folder)

A version is written once, into a temporary folder first and then renamed into place, and never
changed; one with the same files is the same version. The exercises folder itself is the drafts.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from grader.exercise import Exercise, load_exercise
from grader.paths import folder_sha256, ignored

_SHA = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$")


class VersionMissing(LookupError):
    """The version asked for is neither kept nor in the exercises folder any more."""


class VersionStore:
    """Exercise versions under `root` (the site keeps them in `<instance>/exercise-versions`)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, key: str, sha256: str) -> Path:
        """Where the version `sha256` of `key` is kept (whether or not it is there).

        Raises:
            ValueError: `key` is not `track/slug` or `sha256` not a hash.
        """
        if not _KEY.match(key) or not _SHA.match(sha256):
            raise ValueError(f"not an exercise version: {key!r} {sha256!r}")
        return self.root / sha256 / key

    def has(self, key: str, sha256: str) -> bool:
        return self.folder(key, sha256).is_dir()

    def keep(self, exercise: Exercise) -> Path:
        """Keep the files of `exercise` as they are now (a no-op when that version is kept already).

        Raises:
            VersionMissing: the folder changed since `exercise` was loaded (read it again).
        """
        target = self.folder(exercise.key, exercise.sha256)
        if target.is_dir():
            return target
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".keeping-", dir=self.root))
        try:
            copy = staging / exercise.track / exercise.slug
            shutil.copytree(exercise.folder, copy, ignore=lambda _, names: [n for n in names if ignored(n)])
            if folder_sha256(copy) != exercise.sha256:
                raise VersionMissing(f"{exercise.key} changed while it was being kept: read the folder again")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(copy, target)
            except OSError:
                if not target.is_dir():  # not another process keeping the same version at the same time
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def load(self, key: str, sha256: str, exercises: Path | None = None) -> Exercise:
        """The version `sha256` of `key`: as kept, else from the exercises folder when it still holds
        those very files.

        Raises:
            VersionMissing: neither has it.
            ExerciseInvalid: it no longer loads (a newer grader refuses what an older one accepted).
        """
        kept = self.folder(key, sha256)
        if kept.is_dir():
            return load_exercise(kept, self.root / sha256)
        if exercises is not None:
            folder = exercises / key
            if (folder / "exercise.yaml").is_file() and folder_sha256(folder) == sha256:
                return load_exercise(folder, exercises)
        raise VersionMissing(f"the version {sha256[:12]} of {key} is not kept, and the exercises folder "
                             "holds another one")

"""The reference solution's pictures, per exercise version: made once by grading the solution, then
kept on disk, one JSON file per exercise hash (`<folder>/<sha256>.json`), so a changed exercise
gets new ones and an unchanged one never costs a second run.

The folder comes from the installation's settings (GRADER_REFERENCES). Every process of one
installation (CLI, worker, site) must see the same folder: the site shows these pictures beside the
learner's.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from grader.result import Picture

FORMAT = 1
SHA256 = re.compile(r"^[0-9a-f]{64}$")
References = Mapping[str, tuple[Picture, ...]]
"""Pictures by check id."""


class ReferenceStore:
    """Reads and writes the reference pictures of exercise versions in one folder. Thread- and
    process-safe: a file appears whole (written aside, then renamed) or not at all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, exercise_sha256: str) -> Path:
        if not SHA256.match(exercise_sha256):
            raise ValueError(f"not an exercise hash: {exercise_sha256!r}")
        return self.folder / f"{exercise_sha256}.json"

    def load(self, exercise_sha256: str) -> References | None:
        """The pictures stored for this exercise version, or None when there are none yet."""
        try:
            data = json.loads(self._path(exercise_sha256).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        checks = data.get("checks")
        if not isinstance(checks, dict):
            return None
        return {
            str(check_id): tuple(
                Picture(str(item["viewport"]), str(item["png_base64"]))
                for item in items
                if isinstance(item, dict) and "viewport" in item and "png_base64" in item
            )
            for check_id, items in checks.items()
            if isinstance(items, list)
        }

    def save(self, exercise_sha256: str, references: References) -> None:
        """Store the pictures of this exercise version (an empty mapping too: the solution showed
        nothing, and asking again would not change that)."""
        path = self._path(exercise_sha256)
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "checks": {
                check_id: [{"viewport": p.viewport, "png_base64": p.png_base64} for p in pictures]
                for check_id, pictures in references.items()
            },
        }
        fd, draft = tempfile.mkstemp(prefix=".reference-", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file)
            os.replace(draft, path)
        except BaseException:
            Path(draft).unlink(missing_ok=True)
            raise

    def picture(self, exercise_sha256: str, check_id: str, viewport: str) -> Picture | None:
        """One stored picture, or None."""
        try:
            references = self.load(exercise_sha256)
        except ValueError:
            return None
        for picture in (references or {}).get(check_id, ()):
            if picture.viewport == viewport:
                return picture
        return None

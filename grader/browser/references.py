"""The reference solution's pictures, per exercise version: made once by grading the solution, then
kept on disk, one JSON file per exercise hash (`<folder>/<sha256>.json`), so a changed exercise
gets new ones and an unchanged one never costs a second run. Beside them, the reference solution's
outputs on the inputs of checks that expect what it prints (`<sha256>.outputs.json`).

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
from typing import Any

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
        data = {
            "format": FORMAT,
            "checks": {
                check_id: [{"viewport": p.viewport, "png_base64": p.png_base64} for p in pictures]
                for check_id, pictures in references.items()
            },
        }
        self._write(self._path(exercise_sha256), data)

    def load_outputs(self, exercise_sha256: str) -> dict[str, dict[str, Any]] | None:
        """The reference solution's step outputs kept for this exercise version (by step id), or None."""
        try:
            data = json.loads(self._outputs_path(exercise_sha256).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if not isinstance(data.get("steps"), dict):
            return None
        return {str(key): value for key, value in data["steps"].items() if isinstance(value, dict)}

    def save_outputs(self, exercise_sha256: str, steps: Mapping[str, Mapping[str, Any]]) -> None:
        """Keep the reference solution's step outputs of this exercise version."""
        self._write(self._outputs_path(exercise_sha256), {"format": FORMAT, "steps": dict(steps)})

    def _outputs_path(self, exercise_sha256: str) -> Path:
        return self._path(exercise_sha256).with_suffix(".outputs.json")

    def _write(self, path: Path, data: Mapping[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
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

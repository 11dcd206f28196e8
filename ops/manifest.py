"""`manifest.json`: what a bundle holds (every file with its SHA-256 and size), which grader version
and runner image it carries, the Python it targets and when it was made. It is the part that is signed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from ops.errors import BundleRefused

FORMAT = "grader-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
BOOTSTRAP = "install.sh"
WHEELS = "wheels"
IMAGES = "images"
EXERCISES = "exercises"
GUIDES = "docs"
"""The guides (README.md and docs/), so that a site with no internet has them: docs/operations.md first."""


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class ImageEntry:
    """A `docker save` archive in the bundle: the file and the images (tag -> image id) it holds."""

    file: str
    images: dict[str, str]


@dataclass(frozen=True)
class Manifest:
    grader_version: str
    created: str  # ISO 8601, UTC
    python: str  # the target interpreter, "3.11": the wheels are for CPython 3.11 on manylinux x86_64
    platform: str
    runner_tag: str
    runner_content_hash: str
    images: tuple[ImageEntry, ...]
    exercises: int
    files: dict[str, FileEntry] = field(repr=False)
    format: str = FORMAT

    @property
    def wheels_digest(self) -> str:
        """One hash of the wheels: two bundles with the same wheels share a virtual environment."""
        listing = sorted((name, entry.sha256) for name, entry in self.files.items()
                         if name.startswith(f"{WHEELS}/"))
        return hashlib.sha256(json.dumps(listing).encode()).hexdigest()

    @property
    def venv_name(self) -> str:
        """The folder under `<prefix>/venvs`; install.sh computes the same name."""
        return f"{self.grader_version}-{self.wheels_digest[:12]}"

    @property
    def release(self) -> str:
        """The folder under `<prefix>/releases`: the version and when the bundle was made."""
        stamp = datetime.fromisoformat(self.created).strftime("%Y%m%d-%H%M%S")
        return f"{self.grader_version}-{stamp}"

    def wheel_names(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith(f"{WHEELS}/"))

    def to_bytes(self) -> bytes:
        data = asdict(self)
        data["images"] = [asdict(image) for image in self.images]
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        """Raises: BundleRefused: not a manifest of this format."""
        try:
            data: dict[str, Any] = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BundleRefused(f"{MANIFEST} is of format {data.get('format')!r}; this grader reads "
                                    f"{FORMAT!r}: install it with the grader version that made it")
            files = {name: FileEntry(str(entry["sha256"]), int(entry["size"]))
                     for name, entry in data["files"].items()}
            images = tuple(
                ImageEntry(str(image["file"]), {str(k): str(v) for k, v in image["images"].items()})
                for image in data["images"])
            manifest = cls(str(data["grader_version"]), str(data["created"]), str(data["python"]),
                           str(data["platform"]), str(data["runner_tag"]), str(data["runner_content_hash"]),
                           images, int(data["exercises"]), files)
            datetime.fromisoformat(manifest.created)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BundleRefused(f"{MANIFEST} is damaged or not a grader bundle manifest ({error!r})") \
                from None
        return manifest

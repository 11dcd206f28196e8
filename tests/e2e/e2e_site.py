"""What the browser tests know of the running site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Site:
    url: str
    preview_url: str
    passwords: dict[str, str]
    instance: Path

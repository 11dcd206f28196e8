"""What the browser tests know of the running site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

IDLE_S = 12
"""Seconds after logging in that a session of the short-session site ends."""


@dataclass(frozen=True)
class Site:
    url: str
    preview_url: str
    passwords: dict[str, str]
    instance: Path

"""What the browser tests know of the running site, and logging in to it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Site:
    url: str
    preview_url: str
    passwords: dict[str, str]
    instance: Path


def log_in(page: Any, site: Site, username: str) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#username", username)
    page.fill("#password", site.passwords[username])
    page.click("button.primary")
    page.wait_for_url(f"{site.url}/")

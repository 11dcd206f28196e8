"""What tests need from this machine: skip when a part is missing, except in CI where that fails."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip the test because `reason`, or fail it in CI (CI=true: nothing may skip there)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)

"""The sandbox layer: hardened one-shot container runs, images, reaping. Knows nothing of grading.

Names are imported on first use (PEP 562), so that reading the settings types (sandbox.limits,
sandbox.settings) does not load the Docker client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.errors import SandboxError as SandboxError
    from sandbox.errors import SandboxUnavailable as SandboxUnavailable
    from sandbox.limits import RunLimits as RunLimits
    from sandbox.run import Sandbox as Sandbox
    from sandbox.settings import SandboxSettings as SandboxSettings
    from sandbox.spec import RunResult as RunResult
    from sandbox.spec import RunSpec as RunSpec

_WHERE = {
    "RunLimits": "sandbox.limits",
    "RunResult": "sandbox.spec",
    "RunSpec": "sandbox.spec",
    "Sandbox": "sandbox.run",
    "SandboxError": "sandbox.errors",
    "SandboxSettings": "sandbox.settings",
    "SandboxUnavailable": "sandbox.errors",
}

__all__ = [
    "RunLimits",
    "RunResult",
    "RunSpec",
    "Sandbox",
    "SandboxError",
    "SandboxSettings",
    "SandboxUnavailable",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)

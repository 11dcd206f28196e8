"""The sandbox layer: hardened one-shot container runs, images, reaping. Knows nothing of grading."""

from sandbox.errors import SandboxError, SandboxUnavailable
from sandbox.limits import RunLimits
from sandbox.run import Sandbox
from sandbox.settings import SandboxSettings
from sandbox.spec import RunResult, RunSpec

__all__ = [
    "RunLimits",
    "RunResult",
    "RunSpec",
    "Sandbox",
    "SandboxError",
    "SandboxSettings",
    "SandboxUnavailable",
]

"""How this host runs sandboxes: which runtime, which user, which engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.limits import RunLimits

ENTRY_COMMAND = ("/usr/bin/python3", "-I", "-S", "-B", "/opt/sandbox/entry.py")
"""The first program of every container: unpacks the files sent on stdin, then execs the command."""

LABEL = "org.grader.sandbox"
DEADLINE_LABEL = "org.grader.deadline"
OWNER_LABEL = "org.grader.owner"


@dataclass(frozen=True)
class SandboxSettings:
    """Attributes:
    runtime: the OCI runtime: "runc" (the engine's default) or "runsc" (gVisor, a stronger wall).
    user: numeric uid:gid every container runs as; never 0.
    limits: the limits a run gets when its spec does not say otherwise.
    docker_url: where the engine listens; None means DOCKER_HOST or the default socket.
    api_timeout_s: how long one engine API call may take before the engine counts as down.
    pool_size: started containers kept ready per limit profile (0: start each run cold).
    pool_max_idle_s: a ready container older than this is replaced, so none goes stale.
    """

    runtime: str = "runc"
    user: str = "61000:61000"  # no login account's uid (Debian gives its first one 1000)
    limits: RunLimits = field(default_factory=RunLimits)
    docker_url: str | None = None
    api_timeout_s: float = 30.0
    pool_size: int = 0
    pool_max_idle_s: float = 300.0

    def __post_init__(self) -> None:
        uid, _, gid = self.user.partition(":")
        if not (uid.isdigit() and gid.isdigit()) or int(uid) == 0 or int(gid) == 0:
            raise ValueError(f"sandbox user must be a numeric non-root uid:gid, not {self.user!r}")
        if self.runtime not in ("runc", "runsc"):
            raise ValueError(f"unknown sandbox runtime {self.runtime!r}: use runc or runsc")

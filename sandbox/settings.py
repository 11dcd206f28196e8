"""How this host runs sandboxes: which runtime, which user, which engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.limits import RunLimits

ENTRY_COMMAND = ("/usr/bin/python3", "-I", "-S", "-B", "/opt/sandbox/entry.py")
"""The first program of every container: drops to the grader uid, unpacks the files sent on stdin,
then runs the command as the learner (or, for grading, the harness as the grader)."""
CONTAINER_USER = "0:0"
"""The entry starts as uid 0 only to split the container's one privilege (CAP_SETUID/CAP_SETGID) into
two uids before it reads anything (sandbox/incontainer/identity.py)."""
LEARNER_UID = 61000
"""Every learner program runs as this uid, with no capability (not 1000: Debian's first login account)."""
GRADER_UID = 61001
"""The grading harness and the instructor's tests run as this uid; learner programs cannot signal,
trace or read its processes."""
HELPER_UID = 61002
"""A prelaunched helper (the grader's browser) runs as this uid: learner programs cannot signal, trace
or read it, and it cannot reach theirs or the harness's (sandbox/incontainer/helper.py)."""

LABEL = "org.grader.sandbox"
DEADLINE_LABEL = "org.grader.deadline"
OWNER_LABEL = "org.grader.owner"


@dataclass(frozen=True)
class SandboxSettings:
    """Attributes:
    runtime: the OCI runtime: "runc" (the engine's default) or "runsc" (gVisor, a stronger wall).
    limits: the limits a run gets when its spec does not say otherwise.
    docker_url: where the engine listens; None means DOCKER_HOST or the default socket.
    api_timeout_s: how long one engine API call may take before the engine counts as down.
    pool_size: started containers kept ready per limit profile (0: start each run cold).
    pool_size_prelaunched: for a profile whose containers prelaunch a helper (the grader's browser), which
        holds memory while it waits: this many instead (None: pool_size). 0 < it <= pool_size.
    pool_max_idle_s: a ready container older than this is replaced, so none goes stale.
    """

    runtime: str = "runc"
    limits: RunLimits = field(default_factory=RunLimits)
    docker_url: str | None = None
    api_timeout_s: float = 30.0
    pool_size: int = 0
    pool_size_prelaunched: int | None = None
    pool_max_idle_s: float = 300.0

    def __post_init__(self) -> None:
        if self.runtime not in ("runc", "runsc"):
            raise ValueError(f"unknown sandbox runtime {self.runtime!r}: use runc or runsc")
        prelaunched = self.pool_size_prelaunched
        if prelaunched is not None and not 0 < prelaunched <= self.pool_size:
            raise ValueError(f"pool_size_prelaunched {prelaunched}: from 1 to pool_size ({self.pool_size})")

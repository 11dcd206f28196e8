"""Resource limits of one sandbox run, with the defaults every run gets unless told otherwise."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunLimits:
    """What one run may use. The engine enforces all but `wall_s` and `output_bytes`, which the host
    enforces while it streams the run (deadline kill, byte caps)."""

    wall_s: float = 10.0
    memory_mb: int = 256
    cpus: float = 1.0
    pids: int = 64
    tmpfs_mb: int = 64
    tmpfs_inodes: int = 4096
    nofile: int = 256
    fsize_mb: int = 32
    output_bytes: int = 256 * 1024

    def __post_init__(self) -> None:
        checks = {
            "wall_s": 0 < self.wall_s <= 600,
            "memory_mb": 16 <= self.memory_mb <= 8192,
            "cpus": 0.1 <= self.cpus <= 16,
            "pids": 8 <= self.pids <= 4096,
            "tmpfs_mb": 1 <= self.tmpfs_mb <= 4096,
            "tmpfs_inodes": 64 <= self.tmpfs_inodes <= 1_000_000,
            "nofile": 16 <= self.nofile <= 65536,
            "fsize_mb": 1 <= self.fsize_mb <= 4096,
            "output_bytes": 1024 <= self.output_bytes <= 64 * 1024 * 1024,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"run limits out of range: {', '.join(f'{n}={getattr(self, n)}' for n in bad)}")

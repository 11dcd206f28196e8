"""How much grading a worker takes on at once, decided from the machine and the kind of work.

- Slots (submissions graded at once): one per core the worker may use. Grading is CPU work (a container
  start, the learner's program, the tests, a browser); measured on 2 cores, a burst of 30 small pytest
  submissions took 10.8 s with 1 slot and 10.0 s with 2, so more slots than cores only share the CPU.
- Ready containers for light work (pytest, io, node, a Flask app): two per slot, so that a burst never
  waits for a container to start; one waiting costs a few MiB.
- Ready containers for page work (browser, dom checks): each holds the submission's browser, started
  ahead of need, which is heavier: about 75 MiB idle (measured), more once its page renders. One per
  slot, and no more than an eighth of the machine's memory would hold.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

READY_PER_SLOT = 2
PAGE_READY_MIB = 150
"""What one ready container with its browser may hold while it waits (75 MiB measured, doubled)."""
PAGE_MEMORY_SHARE = 8
"""Ready browsers hold at most 1/8 of the machine's memory."""
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


@dataclass(frozen=True)
class Capacity:
    slots: int
    ready: int
    """Ready containers kept per profile of light work."""
    ready_pages: int
    """Ready containers kept per profile whose containers start a browser ahead of need."""


def decide(cpus: int, memory_mib: int, slots: int | None = None) -> Capacity:
    """The worker's slots (`slots` when the operator chose them) and ready containers on a machine with
    `cpus` usable cores and `memory_mib` of memory."""
    slots = slots or max(1, cpus)
    ready = READY_PER_SLOT * slots
    ready_pages = max(1, min(slots, memory_mib // PAGE_MEMORY_SHARE // PAGE_READY_MIB))
    return Capacity(slots, ready, ready_pages)


def usable_cpus() -> int:
    """The cores this process may use: its CPU affinity, lowered by a cgroup CPU quota when it runs in
    a container with one (`cpu.max`, cgroup v2)."""
    cpus = len(os.sched_getaffinity(0))
    try:
        quota, period = CGROUP_CPU_MAX.read_text().split()[:2]
    except (OSError, ValueError):
        return cpus
    if quota == "max":
        return cpus
    return max(1, min(cpus, int(quota) // max(1, int(period))))


def memory_mib() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)


def this_machine(slots: int | None = None) -> Capacity:
    return decide(usable_cpus(), memory_mib(), slots)

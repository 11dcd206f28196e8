"""Tests of service/capacity.py: slots and ready containers from the machine and the kind of work."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import capacity
from service.capacity import Capacity, decide


def test_one_slot_per_core_and_two_ready_containers_per_slot_for_light_work() -> None:
    assert decide(cpus=2, memory_mib=23_000) == Capacity(slots=2, ready=4, ready_pages=2)
    assert decide(cpus=8, memory_mib=64_000).slots == 8


def test_ready_browsers_are_fewer_on_a_machine_short_of_memory() -> None:
    """A ready container with its browser holds memory while it waits: never more than slots, nor
    than an eighth of the memory would hold; at least one, so a page check never waits for a start."""
    assert decide(cpus=8, memory_mib=4096).ready_pages == 3
    assert decide(cpus=4, memory_mib=1024).ready_pages == 1
    assert decide(cpus=4, memory_mib=1024).ready == 8  # light containers cost a few MiB: unchanged


def test_slots_the_operator_chose_win() -> None:
    assert decide(cpus=2, memory_mib=23_000, slots=5) == Capacity(slots=5, ready=10, ready_pages=5)


@pytest.mark.parametrize(("cpu_max", "cpus"), [("max 100000\n", 2), ("100000 100000\n", 1),
                                                ("50000 100000\n", 1), ("", 2)])
def test_a_cgroup_cpu_quota_lowers_the_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            cpu_max: str, cpus: int) -> None:
    limit = tmp_path / "cpu.max"
    if cpu_max:
        limit.write_text(cpu_max)
    monkeypatch.setattr(capacity, "CGROUP_CPU_MAX", limit)
    monkeypatch.setattr(capacity.os, "sched_getaffinity", lambda pid: {0, 1})
    assert capacity.usable_cpus() == cpus

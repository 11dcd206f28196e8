"""Proving on this host that the sandbox holds: a probe inside a real sandbox, plus two bombs.

Each limit is read back inside the sandbox and compared with the settings (memory, swap, processes,
scratch space that runs no program, the user), so a host where the engine drops or changes one (an
old kernel without swap accounting, a daemon.json default) fails its row. gVisor hides the cgroup
files; there the bombs' rows prove the limits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.hardening import engine_pids_limit
from sandbox.run import Sandbox
from sandbox.settings import LEARNER_UID
from sandbox.spec import RunResult, RunSpec

PROBE = (Path(__file__).parent / "incontainer" / "probe.py").read_bytes()
MIB = 1024 * 1024
LOGIN_UIDS = (1000,)
"""Debian gives its first login account uid 1000: a sandbox user with that uid owns that person's files."""
SCRATCH = ("/work", "/tmp")
BOUNDING_ALLOWED = (1 << 6) | (1 << 7)
"""CAP_SETGID and CAP_SETUID may stay in a learner program's bounding set (they are the grader uid's; a
process with no-new-privileges and no capability in its effective or permitted set cannot regain them)."""

MEMORY_BOMB = "chunks = []\nwhile True:\n    chunks.append(b'x' * (16 * 1024 * 1024))\n"
FORK_BOMB = """
import os, time
count = 0
try:
    while count < 4096:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        count += 1
except OSError:
    pass
print("forked", count, flush=True)
"""


@dataclass(frozen=True)
class DoctorRow:
    name: str
    ok: bool
    detail: str


def examine(sandbox: Sandbox, image: str) -> list[DoctorRow]:
    """Run the probe and the bombs in `image` with this sandbox's settings; one row per promise.

    Raises:
        SandboxUnavailable: the engine is down or the image is missing.
    """
    limits = sandbox.settings.limits
    gvisor = sandbox.settings.runtime == "runsc"
    probe = sandbox.run(RunSpec(image, ["python3", "-I", "probe.py"], files={"probe.py": PROBE}))
    if probe.exit_code != 0:
        return [DoctorRow("probe ran", False, probe.stderr_text()[-300:] or f"exit {probe.exit_code}")]
    facts = json.loads(probe.stdout)
    memory = sandbox.run(RunSpec(image, ["python3", "-c", MEMORY_BOMB]))
    forks = sandbox.run(RunSpec(image, ["python3", "-c", FORK_BOMB]))

    def row(name: str, ok: bool, detail: str) -> DoctorRow:
        return DoctorRow(name, ok, detail)

    seccomp_ok = facts["seccomp"] == "2" or gvisor
    return [
        row("runtime", True, f"{sandbox.settings.runtime} (kernel seen inside: {facts['kernel']})"),
        row("not root", facts["uid"] == LEARNER_UID and facts["gid"] == LEARNER_UID,
            f"uid {facts['uid']}, gid {facts['gid']} (learner programs run as {LEARNER_UID})"),
        row(
            "no capabilities",
            _mask(facts["cap_eff"]) == 0 and _mask(facts.get("cap_prm")) == 0
            and _mask(facts["cap_bnd"]) & ~BOUNDING_ALLOWED == 0,
            f"effective {facts['cap_eff']}, permitted {facts.get('cap_prm')}, bounding {facts['cap_bnd']} "
            "(the container keeps CAP_SETUID/CAP_SETGID for the grader uid only)",
        ),
        row(
            "no-new-privileges",
            facts["no_new_privs"] == "1" or (gvisor and facts["no_new_privs"] is None),
            "set" if facts["no_new_privs"] == "1" else "set by the engine (gVisor does not report it)",
        ),
        row(
            "seccomp filter",
            seccomp_ok,
            "gVisor: system calls are served by its Sentry, itself filtered"
            if gvisor
            else f"mode {facts['seccomp']} (2 = filter)",
        ),
        row(
            "only loopback network",
            facts["interfaces"] == ["lo"] and facts["egress"] != "connected",
            f"interfaces {', '.join(facts['interfaces'])}; connecting out: {facts['egress']}",
        ),
        row(
            "read-only root",
            facts["root_write"] != "written" and facts["etc_write"] != "written",
            f"writing / gives {facts['root_write']}",
        ),
        row(
            "scratch space capped",
            facts["work_bytes"] <= limits.tmpfs_mb * MIB and facts["tmp_bytes"] <= limits.tmpfs_mb * MIB,
            f"/work {facts['work_bytes'] // MIB} MiB, /tmp {facts['tmp_bytes'] // MIB} MiB",
        ),
        _memory_row(memory, limits.memory_mb),
        _pids_row(forks, limits.pids, gvisor),
        row("no Docker socket", not facts["docker_socket"], "found" if facts["docker_socket"] else "absent"),
        _uid_row(facts),
        _cgroup_row("memory limit as set", facts.get("memory_limit"), limits.memory_mb * MIB, gvisor),
        _swap_row(facts, limits.memory_mb * MIB, gvisor),
        _cgroup_row("process limit as set", facts.get("pids_limit"),
                    engine_pids_limit(sandbox.settings, limits), gvisor),
        _noexec_row(facts),
    ]


def _mask(value: object) -> int:
    """A capability set from /proc/self/status; a missing one counts as everything."""
    try:
        return int(str(value), 16)
    except ValueError:
        return -1


def _memory_row(run: RunResult, memory_mb: int) -> DoctorRow:
    ok = run.oom_killed and not run.timed_out
    detail = f"a program taking memory without end was killed at the {memory_mb} MiB limit"
    return DoctorRow("memory limit", ok, detail if ok else f"memory bomb not stopped: {_describe(run)}")


def _pids_row(run: RunResult, pids: int, gvisor: bool) -> DoctorRow:
    match = re.search(rb"forked (\d+)", run.stdout)
    forked = int(match.group(1)) if match else None
    if gvisor:
        ok = not run.timed_out and (forked is None or forked < 4096)
        detail = "a fork bomb ended the sandbox (gVisor stops at the limit)"
    else:
        ok = forked is not None and forked < pids
        detail = f"a fork bomb stopped after {forked} processes (limit {pids})"
    return DoctorRow("process limit", ok, detail if ok else f"fork bomb not stopped: {_describe(run)}")


def _describe(run: RunResult) -> str:
    return f"exit {run.exit_code}, timed out {run.timed_out}, output {run.stdout_text()[-100:]!r}"


def _uid_row(facts: dict[str, Any]) -> DoctorRow:
    uid = facts["uid"]
    if uid == 0 or uid in LOGIN_UIDS:
        whose = "root's" if uid == 0 else "a login account's (Debian's first is 1000)"
        return DoctorRow("unused uid", False,
                         f"uid {uid} is {whose}: learners must run as {LEARNER_UID} (is the runner image "
                         "this grader's? `grader images build`)")
    return DoctorRow("unused uid", True, f"uid {uid}, no login account's")


def _cgroup_row(name: str, found: str | None, expected: int, gvisor: bool) -> DoctorRow:
    """A limit read from the sandbox's cgroup, compared with what the settings ask for."""
    if found is None:
        if gvisor:
            return DoctorRow(name, True, "gVisor hides the cgroup files: the bomb rows above prove it")
        return DoctorRow(name, False, f"not readable inside the sandbox (expected {expected})")
    ok = found.isdigit() and int(found) == expected
    return DoctorRow(name, ok, f"{found} (settings: {expected})" if not ok else f"{found}, as set")


def _swap_row(facts: dict[str, Any], memory_bytes: int, gvisor: bool) -> DoctorRow:
    """No swap: cgroup v2 says swap.max 0; v1 says memory+swap equals memory."""
    found = facts.get("swap_limit")
    memory = facts.get("memory_limit")
    if found is None:
        if gvisor:
            return DoctorRow("no swap", True, "gVisor hides the cgroup files: the memory bomb row proves it")
        return DoctorRow("no swap", False, "the swap limit is not readable inside the sandbox (is swap "
                                           "accounting off? add swapaccount=1 to the kernel's command line)")
    ok = found == "0" or found == (memory or str(memory_bytes))
    detail = "memory + swap = memory" if ok else (
        f"memory+swap limit {found}, memory {memory}: the sandbox can swap")
    return DoctorRow("no swap", ok, detail)


def _noexec_row(facts: dict[str, Any]) -> DoctorRow:
    mounts, tried = facts.get("mounts") or {}, facts.get("exec") or {}
    wrong = [path for path in SCRATCH if "noexec" not in (mounts.get(path) or []) or tried.get(path) == "ran"]
    if wrong:
        return DoctorRow("scratch space runs no program", False,
                         f"{', '.join(wrong)}: a program written there runs ({tried})")
    return DoctorRow("scratch space runs no program", True,
                     "noexec on " + ", ".join(f"{p} (running one gives {tried.get(p)})" for p in SCRATCH))

"""Attacks a learner's program can make, each against a real sandbox under runc and under gVisor.

Every test asserts the verdict, that the run ended within its deadline plus a small margin, that no
container of ours is left once the sandbox's removals have settled (some happen off the critical path,
so a busy host makes them late, never lost), and that an honest run right after it still passes (the
`attack` fixture does the last three). Where gVisor (runsc, ptrace platform) behaves differently from
runc, the test says why in its docstring and asserts what is true under each.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from docker import APIClient

from sandbox import RunLimits, RunResult, RunSpec, Sandbox
from sandbox.launched import Launched

pytestmark = pytest.mark.docker

WALL_S = 3.0
MARGIN_S = 3.0
# After a bomb has brought gVisor itself down (exit 2), the engine can take seconds to report the
# exit while runsc tears the sandbox down: 6.9 s in all once in CI, with the program's output over
# after 1.3 s. The learner's time is held to the margin; the teardown gets this much more.
RUNSC_TEARDOWN_S = 10.0
LIMITS = RunLimits(wall_s=WALL_S)
Attack = Callable[..., RunResult]


@pytest.fixture
def attack(sandbox: Sandbox, runner_image: str, runtime: str,
           own_containers: Callable[[], set[str]]) -> Attack:
    """Runs one attack with short limits, checks the deadline, the clean-up and the next run."""
    teardown_s = RUNSC_TEARDOWN_S if runtime == "runsc" else 0.0

    def run(
        command: list[str],
        *,
        files: Mapping[str, bytes] | None = None,
        limits: RunLimits = LIMITS,
    ) -> RunResult:
        before = own_containers()
        began = time.monotonic()
        result = sandbox.run(RunSpec(runner_image, command, files=files or {}, limits=limits))
        elapsed = time.monotonic() - began
        assert result.duration_s < limits.wall_s + MARGIN_S, f"the program ran on: {result}"
        assert elapsed < limits.wall_s + MARGIN_S + teardown_s, f"the run took {elapsed:.1f} s: {result}"
        assert sandbox.settle() == set(), "a removal of the sandbox failed"  # waits, on a busy host too
        assert own_containers() <= before, "a container of the run was left behind"
        honest = sandbox.run(RunSpec(runner_image, python("print('ok')"), limits=RunLimits(wall_s=10)))
        assert honest.ok and honest.stdout == b"ok\n", f"the next honest run failed: {honest}"
        return result

    return run


def python(source: str, *args: str) -> list[str]:
    return ["python3", "-c", source, *args]


# -- processes ---------------------------------------------------------------------------------


def test_shell_fork_bomb(attack: Attack, runtime: str) -> None:
    """The classic bash bomb, then `wait` so the shell stays while the bomb grows.

    runc: every fork beyond the pids limit fails with EAGAIN; bash retries with a growing pause,
    so the bomb either dies out or the deadline ends it.
    runsc: the sandbox's processes are not counted one by one: the host pids limit (the run's
    limit x RUNSC_PIDS_FACTOR) counts gVisor's own processes and threads; the bomb dies out, or
    the whole sandbox ends (exit 2) when gVisor itself cannot start a process, or the deadline
    comes first."""
    result = attack(["bash", "-c", ":(){ :|:& };:; wait"])
    assert not result.output_capped and not result.oom_killed
    if runtime == "runc":
        assert b"fork: retry: Resource temporarily unavailable" in result.stderr
        assert result.timed_out or result.exit_code == 0
    else:
        assert result.timed_out or result.exit_code in (0, 2)


FORK_BOMB = """
import os, time
count = 0
try:
    while count < 4096:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        count += 1
except OSError as error:
    print("fork failed", error.errno, flush=True)
print("forked", count, flush=True)
"""


def test_python_fork_bomb(attack: Attack, runtime: str) -> None:
    """A Python program forking sleepers until fork fails.

    runc: fork fails with EAGAIN just under the pids limit (64, minus the init and the program).
    runsc: every gVisor process costs host memory and host processes; the sandbox as a whole is
    ended by the memory cgroup (exit 137) or by the host pids limit (exit 2) before 4096 forks,
    or, forking being slow under ptrace on a busy host, by the deadline."""
    result = attack(python(FORK_BOMB))
    if runtime == "runc":
        assert result.exit_code == 0 and not result.timed_out
        assert f"fork failed {errno.EAGAIN}".encode() in result.stdout
        forked = int(result.stdout.split(b"forked ")[1])
        assert 32 <= forked < LIMITS.pids
    else:
        assert result.timed_out or result.exit_code in (2, 137)
        assert b"forked 4096" not in result.stdout


NODE_FORK_BOMB = """
const { spawn } = require("child_process");
let started = 0, failed = 0;
function more() {
  for (let i = 0; i < 16; i++) {
    const child = spawn("sleep", ["60"]);
    child.on("spawn", () => started++);
    child.on("error", (error) => { if (!failed++) console.log("spawn failed", error.code); });
  }
  if (failed) { console.log("started", started); process.exit(0); }
  setTimeout(more, 1);
}
more();
"""


def test_node_fork_bomb(attack: Attack, runtime: str) -> None:
    """A Node program spawning sleepers until spawning fails, then exiting.

    runc: spawn fails with EAGAIN at the pids limit. Node's own threads count against that limit
    too, so it may then hang instead of exiting: the deadline ends it.
    runsc: gVisor's own process table has no limit of 64; each child holds three pipes, so the
    open-files limit (nofile 256) stops spawning first (EMFILE), unless the host pids or memory
    limit ends the sandbox first (exit 2 or 137), or spawning under ptrace is slow enough that the
    deadline comes first."""
    result = attack(["node", "-e", NODE_FORK_BOMB])
    if runtime == "runc":
        assert result.stdout.startswith(b"spawn failed EAGAIN\n")
        assert result.timed_out or int(result.stdout.split(b"started ")[1]) < LIMITS.pids
    else:
        assert result.timed_out or result.exit_code in (0, 2, 137)
        if result.exit_code == 0:
            assert result.stdout.startswith((b"spawn failed EMFILE\n", b"spawn failed EAGAIN\n"))


# -- memory --------------------------------------------------------------------------------------


MEMORY_BOMB_LIMITS = RunLimits(wall_s=30.0)
"""Time enough to reach the memory limit on a busy machine (gVisor under a load of 16 took over 3 s):
the bomb must end by the memory limit, never by the deadline."""


def test_python_memory_bomb(attack: Attack) -> None:
    result = attack(python("chunks = []\nwhile True:\n    chunks.append(b'x' * (16 << 20))\n"),
                    limits=MEMORY_BOMB_LIMITS)
    assert result.oom_killed and result.exit_code == 137 and not result.timed_out


def test_node_memory_bomb(attack: Attack) -> None:
    result = attack(["node", "-e", "const kept = []; for (;;) kept.push(Buffer.alloc(16 << 20, 1));"],
                    limits=MEMORY_BOMB_LIMITS)
    assert result.oom_killed and result.exit_code == 137 and not result.timed_out


# -- disk ----------------------------------------------------------------------------------------

DISK_FILL = """
import os, sys
base, written = sys.argv[1], 0
try:
    for index in range(1000):
        with open(f"{base}/fill{index}", "wb") as out:
            for _ in range(8):
                out.write(b"x" * (1 << 20))
                out.flush()
                written += 1 << 20
except OSError as error:
    print("stopped", written >> 20, error.errno, flush=True)
"""


def disk_bytes(path: str) -> int:
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
    return total


@pytest.fixture
def host_disk_written(
    sandbox: Sandbox, docker_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """Bytes the last run left in its container's writable layer on the host's disk, measured just
    before the container is removed."""
    written: list[int] = []
    discard = sandbox.discard

    def measure_then_discard(launched: Launched) -> None:
        data = docker_client.inspect_container(launched.container_id)["GraphDriver"]["Data"]
        written.append(disk_bytes(data["UpperDir"]))
        discard(launched)

    monkeypatch.setattr(sandbox, "discard", measure_then_discard)
    return written


@pytest.mark.parametrize("directory", ["/work", "/tmp"])
def test_disk_fill_stops_at_the_scratch_cap(
    attack: Attack, host_disk_written: list[int], directory: str
) -> None:
    """Files of 8 MiB (under the 32 MiB file-size limit) until the write fails: it fails with
    ENOSPC at the tmpfs size, and nothing lands on the host's disk (tmpfs lives in the run's
    memory; the root file system is read-only)."""
    result = attack(python(DISK_FILL, directory))
    assert result.exit_code == 0 and not result.timed_out
    words = result.stdout.split()
    assert words[0] == b"stopped" and int(words[2]) == errno.ENOSPC
    assert LIMITS.tmpfs_mb - 8 <= int(words[1]) <= LIMITS.tmpfs_mb
    assert host_disk_written[0] < 1024 * 1024


def test_one_file_stops_at_the_file_size_limit(attack: Attack) -> None:
    source = DISK_FILL.replace("range(8)", "range(1000)")
    result = attack(python(source, "/work"))
    assert result.stdout.split() == [b"stopped", str(LIMITS.fsize_mb).encode(), str(errno.EFBIG).encode()]


INODE_FILL = """
import os
count = 0
try:
    while True:
        os.close(os.open(f"/work/f{count}", os.O_CREAT | os.O_WRONLY))
        count += 1
except OSError as error:
    print("stopped", count, error.errno, flush=True)
"""


def test_inode_fill(attack: Attack, runtime: str) -> None:
    """Empty files until creating one fails.

    runc: stops with ENOSPC at the tmpfs nr_inodes cap.
    runsc: gVisor's tmpfs (this version) ignores nr_inodes; its inodes live in the Sentry's memory,
    which the memory cgroup caps, so the program runs until the deadline (or the memory limit)
    ends it. Nothing reaches the host's disk either way."""
    result = attack(python(INODE_FILL))
    if runtime == "runc":
        assert result.exit_code == 0
        words = result.stdout.split()
        assert words[0] == b"stopped" and int(words[2]) == errno.ENOSPC
        assert LIMITS.tmpfs_inodes - 16 <= int(words[1]) <= LIMITS.tmpfs_inodes
    else:
        assert result.timed_out or result.oom_killed


# -- output and time -----------------------------------------------------------------------------


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_endless_output_is_cut_at_the_cap(attack: Attack, stream: str) -> None:
    limits = RunLimits(wall_s=WALL_S, output_bytes=64 * 1024)
    began = time.monotonic()
    result = attack(python(f"import sys\nwhile True:\n    sys.{stream}.write('x' * 4096)\n"), limits=limits)
    assert time.monotonic() - began < 2 * WALL_S  # both runs: the cap, not the deadline, ended it
    assert result.output_capped and not result.timed_out and result.exit_code is None
    kept, other = (result.stdout, result.stderr) if stream == "stdout" else (result.stderr, result.stdout)
    assert kept == b"x" * limits.output_bytes and other == b""
    assert (result.stdout_capped, result.stderr_capped) == (stream == "stdout", stream == "stderr")
    assert result.duration_s < WALL_S


def test_busy_loop_is_stopped_at_the_deadline(attack: Attack) -> None:
    result = attack(python("while True:\n    pass\n"))
    assert result.timed_out and result.exit_code is None and not result.oom_killed
    assert WALL_S <= result.duration_s < WALL_S + 0.5


def test_endless_sleep_is_stopped_at_the_deadline(attack: Attack) -> None:
    result = attack(["sleep", "1000"])
    assert result.timed_out and result.exit_code is None
    assert WALL_S <= result.duration_s < WALL_S + 0.5


DAEMON = """
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for fd in range(3):
            os.close(fd)
        os.execvp("sleep", ["sleep", "987654"])
    os._exit(0)
print("parent done", flush=True)
"""


def host_processes_with_argv(argv: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes() == argv:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_daemon_does_not_outlive_the_run(attack: Attack) -> None:
    """Double fork, setsid, closed descriptors: the parent exits 0 at once. The run ends then (the
    init process ends the container with its first child), not at the deadline, and no process
    of it remains on the host (under gVisor, sandbox processes are not host processes anyway)."""
    began = time.monotonic()
    result = attack(python(DAEMON))
    assert result.exit_code == 0 and result.stdout == b"parent done\n" and not result.timed_out
    assert result.duration_s < WALL_S and time.monotonic() - began < 2 * WALL_S
    assert host_processes_with_argv(b"sleep\x00987654\x00") == []


# -- network -------------------------------------------------------------------------------------


class HostServer:
    """A TCP server on the host that records every connection it accepts."""

    def __init__(self, address: str) -> None:
        self.sock = socket.create_server((address, 0))
        self.port = self.sock.getsockname()[1]
        self.accepted: list[tuple[str, int]] = []
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted.append(peer)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def host_servers() -> Iterator[dict[str, HostServer]]:
    servers = {"loopback": HostServer("127.0.0.1"), "any": HostServer("0.0.0.0")}
    yield servers
    for server in servers.values():
        server.close()


@pytest.fixture(scope="module")
def bridge_gateway(docker_client: APIClient) -> str:
    """The host's address on Docker's default bridge, from the engine (usually 172.17.0.1)."""
    config = docker_client.inspect_network("bridge")["IPAM"]["Config"][0]
    if config.get("Gateway"):
        return str(config["Gateway"])
    return str(next(ipaddress.ip_network(config["Subnet"]).hosts()))


CONNECT = """
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
try:
    socket.create_connection((host, port), timeout=1).close()
    print("connected")
except OSError as error:
    print("failed", type(error).__name__, error.errno)
"""


@pytest.mark.parametrize(
    ("target", "server"),
    [
        ("1.1.1.1:53", None),
        ("gateway:any", "any"),
        ("gateway:loopback", "loopback"),
        ("127.0.0.1:loopback", "loopback"),
        ("127.0.0.1:any", "any"),
    ],
)
def test_tcp_egress_is_impossible(
    attack: Attack, host_servers: dict[str, HostServer], bridge_gateway: str, target: str, server: str | None
) -> None:
    """Only loopback exists inside: the internet, the bridge's gateway and the host's own loopback
    (a server started here on 127.0.0.1 and on 0.0.0.0) are all unreachable, and the servers
    never see a connection. runc says ENETUNREACH; gVisor's netstack says EHOSTUNREACH."""
    host, port = target.split(":")
    host = bridge_gateway if host == "gateway" else host
    port = str(host_servers[port].port) if server else port
    accepted_before = len(host_servers[server].accepted) if server else 0
    result = attack(python(CONNECT, host, port))
    assert result.exit_code == 0
    assert result.stdout.startswith(b"failed"), result.stdout
    assert int(result.stdout.split()[-1]) in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED)
    if server:
        assert len(host_servers[server].accepted) == accepted_before


def test_udp_egress_is_impossible(attack: Attack) -> None:
    result = attack(python(
        "import socket\n"
        "try:\n"
        "    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'q', ('8.8.8.8', 53))\n"
        "    print('sent')\n"
        "except OSError as error:\n"
        "    print('failed', error.errno)\n"
    ))
    assert result.stdout.split()[0] == b"failed"
    assert int(result.stdout.split()[1]) in (errno.ENETUNREACH, errno.EHOSTUNREACH)


def test_dns_lookup_fails(attack: Attack) -> None:
    result = attack(python(
        "import socket\n"
        "try:\n"
        "    print('resolved', socket.getaddrinfo('example.com', 80))\n"
        "except OSError as error:\n"
        "    print('failed', type(error).__name__)\n"
    ))
    assert result.stdout == b"failed gaierror\n"


# -- files and privileges ------------------------------------------------------------------------

WRITE = """
import sys
try:
    with open(sys.argv[1], "a") as out:
        out.write("x")
    print("written")
except OSError as error:
    print("refused", error.errno)
"""


@pytest.mark.parametrize("path", ["/planted", "/etc/planted", "/usr/bin/planted", "/opt/sandbox/planted",
                                  "/opt/sandbox/entry.py", "/etc/passwd"])
def test_writes_to_the_root_file_system_are_refused(attack: Attack, path: str) -> None:
    """runc reports EROFS (read-only root) or EACCES (root-owned file); gVisor checks the
    permission first and reports EACCES."""
    result = attack(python(WRITE, path))
    assert result.stdout.split()[0] == b"refused", result.stdout
    assert int(result.stdout.split()[1]) in (errno.EROFS, errno.EACCES)


def test_setuid_to_root_fails(attack: Attack) -> None:
    result = attack(python(
        "import os\n"
        "try:\n"
        "    os.setuid(0)\n"
        "    print('root')\n"
        "except OSError as error:\n"
        "    print('failed', error.errno)\n"
    ))
    assert result.stdout == f"failed {errno.EPERM}\n".encode()


def test_no_capabilities_and_no_new_privileges(attack: Attack, runtime: str) -> None:
    """A learner program has no capability at all; CAP_SETUID/CAP_SETGID stay in its bounding set only
    (the container keeps them for the grader uid), which with no-new-privileges grants nothing.
    gVisor reports no NoNewPrivs line (the flag is still set by the engine; see sandbox/doctor.py)."""
    result = attack(["cat", "/proc/self/status"])
    status = dict(line.split(":\t", 1) for line in result.stdout_text().splitlines() if ":\t" in line)
    for name in ("CapInh", "CapPrm", "CapEff"):
        assert int(status[name], 16) == 0, name
    assert int(status["CapBnd"], 16) & ~0xC0 == 0
    assert status.get("CapAmb", "0") == "0" * len(status.get("CapAmb", "0"))
    assert status["Uid"].split() == ["61000"] * 4 and status["Gid"].split() == ["61000"] * 4
    if runtime == "runc":
        assert status["NoNewPrivs"] == "1" and status["Seccomp"] == "2"


@pytest.mark.parametrize(
    "command",
    [
        ["mount", "-t", "tmpfs", "none", "/mnt"],
        ["su", "-c", "id"],
        ["sudo", "id"],
        ["setpriv", "--reuid=0", "--regid=0", "--clear-groups", "id"],
        ["unshare", "-m", "true"],
    ],
    ids=["mount", "su", "sudo", "setpriv", "unshare-m"],
)
def test_privileged_commands_fail(attack: Attack, command: list[str]) -> None:
    result = attack(["sh", "-c", f"{' '.join(command)} </dev/null; echo exit=$?"])
    assert not result.stdout.endswith(b"exit=0\n"), result
    assert b"uid=0" not in result.stdout


def runsc_has_oci_seccomp(client: APIClient) -> bool:
    runtimes = client.info().get("Runtimes", {})
    return "--oci-seccomp" in (runtimes.get("runsc", {}).get("runtimeArgs") or [])


@pytest.mark.parametrize("flag", ["-r", "--user"])
def test_a_user_namespace_cannot_be_created(
    attack: Attack, docker_client: APIClient, runtime: str, flag: str
) -> None:
    """runc: the engine's seccomp profile refuses unshare(CLONE_NEWUSER) without CAP_SYS_ADMIN.

    runsc: gVisor applies the engine's seccomp profile only with its `--oci-seccomp` flag. Without
    it, unprivileged user namespaces are allowed as on plain Linux: the program becomes uid 0 with
    every capability inside a namespace of gVisor's own kernel, which still cannot write the root
    file system or reach a network. This test then checks that containment and reports xfail,
    so that the missing flag stays visible (register runsc with `--oci-seccomp` to close it)."""
    probe = (
        f"unshare {flag} sh -c 'id -u; grep CapEff /proc/self/status; "
        "touch /etc/planted && echo wrote-etc; touch /planted && echo wrote-root; "
        "python3 -c \"import socket; socket.create_connection((\\\"1.1.1.1\\\", 53), timeout=1)\" "
        "2>/dev/null && echo connected'; echo exit=$?"
    )
    result = attack(["sh", "-c", probe])
    if runtime == "runc" or runsc_has_oci_seccomp(docker_client):
        assert b"unshare failed: Operation not permitted" in result.stderr
        assert result.stdout == b"exit=1\n"
        return
    for escape in (b"wrote-etc", b"wrote-root", b"connected"):
        assert escape not in result.stdout
    pytest.xfail("runsc without --oci-seccomp lets a program create a user namespace (confined to gVisor)")


def test_killing_pid_1(attack: Attack) -> None:
    """The init process runs as uid 0, which no learner program shares: the kill is refused (EPERM)
    under runc and gVisor alike, and the program carries on."""
    result = attack(["sh", "-c", "kill -9 1; echo after=$?; sleep 1; echo survived"])
    assert not result.timed_out and not result.oom_killed
    assert result.exit_code == 0 and result.stdout == b"after=1\nsurvived\n"


IPC = r"""
import ctypes, os, platform
libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY = {"x86_64": 248, "aarch64": 217}[platform.machine()]
rt = ctypes.CDLL("librt.so.1", use_errno=True)
calls = {
    "msgget": lambda: libc.msgget(0, 0o1600),
    "shmget": lambda: libc.shmget(0, 4096, 0o1600),
    "semget": lambda: libc.semget(0, 1, 0o1600),
    "mq_open": lambda: rt.mq_open(b"/kept", os.O_CREAT | os.O_RDWR, 0o600, None),
    "add_key": lambda: libc.syscall(ADD_KEY, b"user", b"kept", b"x", 1, -4),
}
for name, call in calls.items():
    result = call()
    print(name, result, os.strerror(ctypes.get_errno()) if result < 0 else "made")
"""


def test_ipc_objects_and_keys_cannot_be_made(attack: Attack) -> None:
    """System V IPC objects, POSIX message queues and kernel keys outlive the process that makes them
    (gVisor offers no /proc/sysvipc nor /dev/mqueue to find them by): a learner program's seccomp
    filter refuses to make any, under runc and gVisor alike."""
    result = attack(python(IPC))
    lines = result.stdout_text().splitlines()
    assert [line.split()[0] for line in lines] == ["msgget", "shmget", "semget", "mq_open", "add_key"]
    for line in lines:
        assert line.endswith("-1 Operation not permitted"), line


def test_killing_every_process(attack: Attack) -> None:
    """`kill -9 -1` kills every process the user may signal but itself and init: the background
    sleeper dies, the shell carries on and the run ends normally."""
    result = attack(["sh", "-c", "sleep 60 & sleep 0.2; kill -9 -1; echo after=$?; wait; echo done"])
    assert result.exit_code == 0 and not result.timed_out
    assert result.stdout == b"after=0\ndone\n"


def test_a_file_planted_for_the_next_run_is_gone(sandbox: Sandbox, attack: Attack, runner_image: str) -> None:
    plant = "for d in /work /tmp /dev/shm; do echo evil > $d/planted && echo planted $d; done; true"
    first = attack(["sh", "-c", plant])
    assert b"planted /work" in first.stdout and b"planted /tmp" in first.stdout
    look = "import glob; print(glob.glob('/*/planted') + glob.glob('/dev/shm/*'))"
    second = sandbox.run(RunSpec(runner_image, python(look), limits=LIMITS))
    assert second.stdout == b"[]\n"


def test_non_utf8_and_nul_output_becomes_valid_text(attack: Attack) -> None:
    result = attack(python(
        "import sys\n"
        "sys.stdout.buffer.write(b'ok \\xff\\xfe \\x00 caf\\xc3\\xa9 \\xc3(\\n')\n"
        "sys.stderr.buffer.write(b'\\x00\\x80')\n"
    ))
    assert result.stdout == b"ok \xff\xfe \x00 caf\xc3\xa9 \xc3(\n"
    text = result.stdout_text()
    assert text == "ok \ufffd\ufffd \u2400 café \ufffd(\n"
    assert result.stderr_text() == "\u2400\ufffd"
    for value in (text, result.stderr_text()):
        assert json.loads(json.dumps(value)) == value
        value.encode("utf-8")  # no lone surrogates

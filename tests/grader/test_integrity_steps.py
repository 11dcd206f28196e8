"""What a learner's program can see of the checks, and what crosses from one step to the next: under
runc and gVisor, test files stay unreadable, hidden checks' files never reach a visible check, and
nothing a step leaves behind (a daemon, IPC objects, files) survives into the next step.

The `integrity/vault` exercise's test files hold markers (VISIBLE-TEST-FILE-..., HIDDEN-TEST-FILE-...)
in comments that no message ever quotes: if one shows up anywhere a learner can see, a program read
the file. `integrity/adder`'s hidden io check passes only if its program prints 5 for "2 3"; each
cheat below prints 5 only if something of an earlier step survived.
"""

from __future__ import annotations

import json

import pytest

from grader.grading import grade_submission
from grader.result import Result, for_learner
from grader.runner import SandboxRunner
from tests.helpers.data import fixture_exercise

pytestmark = pytest.mark.docker

MARKERS = ("VISIBLE-TEST-FILE-7d1c", "HIDDEN-TEST-FILE-93be")


def grade(runner: SandboxRunner, key: str, files: dict[str, str]) -> Result:
    return grade_submission(fixture_exercise(key), {k: v.encode() for k, v in files.items()}, runner)


def seen_by_learner(result: Result) -> str:
    return json.dumps(for_learner(result.to_json()))


# -- test files -------------------------------------------------------------------------------

SNOOP = r'''
import glob, os

def snoop():
    """Everything of the checks this process can read, wherever it may be."""
    found = []
    places = ["/checks", "/work", "/tmp", "/dev/shm", "/opt", "/proc/self/cwd"]
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        places += [f"/proc/{pid}/cwd", f"/proc/{pid}/root/checks"]
        for name in ("environ", "cmdline", "maps", "mem"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as file:
                    found.append(file.read(1 << 16).decode("latin-1"))
            except OSError:
                pass
        for fd in glob.glob(f"/proc/{pid}/fd/*") + glob.glob(f"/proc/{pid}/task/*/fd/*"):
            try:
                with open(fd, "rb") as file:
                    found.append(file.read(1 << 16).decode("latin-1"))
            except OSError:
                pass
    for place in places:
        for path in glob.glob(place + "/**", recursive=True):
            try:
                with open(path, "rb") as file:
                    found.append(file.read(1 << 16).decode("latin-1"))
            except OSError:
                pass
    return "\n".join(text for text in found if "-FILE-" in text)

def answer():
    raise ValueError("found: " + snoop()[:1800])

if __name__ == "__main__":
    print(snoop())
'''


def test_no_test_file_can_be_read_by_a_learner_program(runtime_runner: SandboxRunner) -> None:
    """The learner's code looks everywhere while the visible tests, then the hidden ones, run: /checks
    (the grader uid's only), every other process's /proc entries (cwd, root, environment, command
    line, memory, descriptors); what it found, it puts in its error messages and its output."""
    result = grade(runtime_runner, "integrity/vault", {"vault.py": SNOOP})
    assert result.status == "fail" and result.score == 0
    visible = next(c for c in result.checks if c.id == "visible")
    assert all("ValueError: found: " in test.message for test in visible.tests), visible
    everything = json.dumps(result.to_json())  # the instructor's view too: nothing was read at all
    for marker in MARKERS:
        assert marker not in everything


def test_a_visible_checks_step_never_holds_a_hidden_checks_files(runtime_runner: SandboxRunner) -> None:
    """Even a program that could read /checks would find only its own step's files there: the
    hidden test file is written after the visible steps ran, and removed before the next step."""
    probe = (
        "import os\n"
        "def answer():\n"
        "    raise ValueError(f'uid {os.getuid()}: ' + repr(sorted(os.listdir('/checks'))))\n"
    )
    result = grade(runtime_runner, "integrity/vault", {"vault.py": probe})
    visible = next(c for c in result.checks if c.id == "visible")
    assert visible.tests[0].message.startswith("PermissionError: [Errno 13] Permission denied: '/checks'")
    assert "test_hidden" not in seen_by_learner(result)


# -- what a step leaves behind ----------------------------------------------------------------

SURVIVOR = r'''
def add(a, b):
    return 0

if __name__ == "__main__":
    print(5 if survived() else 0)
else:
    leave()
'''

DAEMON = r'''
import os, time

def leave():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            for _ in range(400):  # about 8 s: through the next steps
                try:
                    with open("/work/adder.py", "w") as file:
                        file.write("print(5)\n")
                    with open("/tmp/planted", "w") as file:
                        file.write("5")
                except OSError:
                    pass
                time.sleep(0.02)
        os._exit(0)

def survived():
    return os.path.exists("/tmp/planted")
'''

FILES = r'''
import os

PLACES = ("/tmp/planted", "/dev/shm/planted", "/work/planted", "/dev/mqueue/planted")

def leave():
    for path in PLACES:
        try:
            with open(path, "w") as file:
                file.write("5")
            os.chmod(path, 0o444)
        except OSError:
            pass
    try:
        os.makedirs("/tmp/keep/deeper", exist_ok=True)
        open("/tmp/keep/deeper/planted", "w").write("5")
        os.chmod("/tmp/keep", 0)
    except OSError:
        pass

def survived():
    return any(os.path.exists(path) for path in PLACES) or os.path.exists("/tmp/keep")
'''

SYSV = r'''
import ctypes, os

libc = ctypes.CDLL(None, use_errno=True)
KEY, IPC_CREAT, IPC_NOWAIT = 0x5EC2E7, 0o1000, 0o4000

class Message(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 16)]

def leave():
    queue = libc.msgget(KEY, IPC_CREAT | 0o666)
    if queue >= 0:
        message = Message(1, b"5")
        libc.msgsnd(queue, ctypes.byref(message), 16, IPC_NOWAIT)
    memory = libc.shmget(KEY, 4096, IPC_CREAT | 0o666)
    libc.semget(KEY, 1, IPC_CREAT | 0o666)
    try:
        rt = ctypes.CDLL("librt.so.1", use_errno=True)
        rt.mq_open(b"/planted", os.O_CREAT | os.O_RDWR, 0o666, None)
    except OSError:
        pass

def survived():
    found = [libc.msgget(KEY, 0) >= 0, libc.shmget(KEY, 0, 0) >= 0, libc.semget(KEY, 0, 0) >= 0]
    try:
        rt = ctypes.CDLL("librt.so.1", use_errno=True)
        found.append(rt.mq_open(b"/planted", os.O_RDONLY, 0, None) >= 0)
    except OSError:
        pass
    return any(found)
'''


@pytest.mark.parametrize("leftover", ["daemon", "files", "sysv-and-posix-ipc"])
def test_nothing_a_step_leaves_reaches_the_next(runtime_runner: SandboxRunner, leftover: str) -> None:
    """The visible pytest step leaves something behind; the hidden io step after it passes only if
    it is still there. Every process is killed, every scratch folder emptied and every IPC object
    removed between steps (learner programs cannot even make System V or POSIX IPC objects: under
    gVisor nothing would find them to remove)."""
    helpers = {"daemon": DAEMON, "files": FILES, "sysv-and-posix-ipc": SYSV}[leftover]
    result = grade(runtime_runner, "integrity/adder", {"adder.py": helpers + SURVIVOR})
    assert result.status == "fail"
    assert next(c for c in result.checks if c.id == "sum").score == 0


def test_no_secret_is_in_an_environment_or_command_line(
    runtime_runner: SandboxRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gVisor lets a learner process read every process's environment and command line: they hold
    no secret (the nonce and the plan come on the harness's stdin, test files are in /checks)."""
    nonce = "5ec2e7" * 5 + "00"
    monkeypatch.setattr("grader.plan.secrets.token_hex", lambda size: nonce)
    dump = (
        "import os\n"
        "def add(a, b):\n"
        "    seen = []\n"
        "    for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "        for name in ('environ', 'cmdline'):\n"
        "            try:\n"
        "                seen.append(open(f'/proc/{pid}/{name}', 'rb').read().decode('latin-1'))\n"
        "            except OSError:\n"
        "                pass\n"
        "    raise ValueError(' | '.join(seen).replace('\\x00', ' ')[:1900])\n"
    )
    result = grade(runtime_runner, "integrity/adder", {"adder.py": dump})
    unit = next(c for c in result.checks if c.id == "unit")
    shown = " ".join(test.message for test in unit.tests)
    assert "ValueError" in shown
    assert "def test_" not in shown and nonce not in shown

"""The grading harness: runs inside the sandbox, as the sandbox user, with the standard library only.

It reads a plan on stdin (a nonce and a list of steps), then runs each step in a fresh child process
on a pristine copy of /work, and reports each step as one frame on its own stdout:

    \\x1eGRADER <nonce> <json>\\n

Learner code never holds the harness's stdout: children write to pipes the harness reads and caps.
The harness makes itself non-dumpable, so processes of the same uid cannot read its memory or open
its descriptors; the nonce, never given to a child, is what lets the host tell a real frame from
one a learner's program printed some other way. After every step, every other process in the
container is killed, so nothing a step started can touch the next one.
"""

import ctypes
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import actions  # noqa: E402
import children  # noqa: E402

WORK = "/work"
SCRATCH = ("/tmp", "/dev/shm")
PR_SET_DUMPABLE = 4
SETTLE_S = 2.0
"""At most this long is spent waiting for killed processes to be gone after a step."""


def make_undumpable() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def snapshot(root: str) -> dict:
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                files[os.path.relpath(path, root)] = file.read()
    return files


def wipe(root: str) -> None:
    if not os.path.isdir(root):
        return
    for folder, dirs, _ in os.walk(root):
        for name in dirs:  # a learner may have removed permissions to keep a folder
            try:
                os.chmod(os.path.join(folder, name), 0o700)
            except OSError:
                pass
    for name in os.listdir(root):
        path = os.path.join(root, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


def restore(files: dict) -> None:
    wipe(WORK)
    for root in SCRATCH:
        wipe(root)
    for relative, data in files.items():
        path = os.path.join(WORK, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)


def kill_everything_else() -> None:
    """Kill every process this uid can signal but the harness and PID 1 (the container's init), and
    wait until they are gone: a process being killed still holds its memory and its place in the
    process limit, which the next step must not be charged for (a browser's dozens of processes take
    a moment to die)."""
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    deadline = time.monotonic() + SETTLE_S
    while others_alive() and time.monotonic() < deadline:
        time.sleep(0.005)


def others_alive() -> bool:
    """Whether a process other than the harness and PID 1 is still running (zombies hold nothing)."""
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, me):
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in (b"Z", b"X"):
            return True
    return False


def emit(nonce: str, payload: dict) -> None:
    frame = "\x1eGRADER " + nonce + " " + json.dumps(payload) + "\n"
    os.write(1, frame.encode("utf-8"))


def main() -> int:
    children.hold_own_oom_score()  # first: a process that is not dumpable may not open its /proc files
    make_undumpable()
    plan = json.loads(sys.stdin.buffer.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # keep 0-2 taken, so that pipes made for children never land there
    os.close(devnull)
    nonce = plan.pop("nonce")
    pristine = snapshot(WORK)
    emit(nonce, {"id": "-start-"})
    for step in plan["steps"]:
        restore(pristine)
        started = time.monotonic()
        try:
            outcome = actions.run(step)
        except Exception as error:  # a harness bug must not read as the learner's failure
            outcome = {"status": "internal", "stderr": f"harness error: {type(error).__name__}: {error}"}
        finally:
            kill_everything_else()
            actions.forget_prelaunched()
        outcome["id"] = step["id"]
        outcome["duration_s"] = round(time.monotonic() - started, 3)
        emit(nonce, outcome)
    emit(nonce, {"id": "-done-"})
    return 0


if __name__ == "__main__":
    sys.exit(main())

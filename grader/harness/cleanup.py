"""Between steps: nothing of one step may reach the next. Every process but PID 1, the harness, the
prelaunched browser (the helper's uid) and the warm spawner (its own uid; neither can be reached by a
learner process) is killed, the scratch
folders are emptied and the System V IPC objects and POSIX message queues are removed, each as the uid
that owns them (the harness has no CAP_KILL, CAP_FOWNER nor CAP_IPC_OWNER). The browser's own folder
in /tmp (the helper's, mode 0700) stays with it."""

import contextlib
import ctypes
import os
import shutil
import signal
import time

import identity

WORK = "/work"
CHECKS = "/checks"
SCRATCH = ("/tmp", "/dev/shm", "/dev/mqueue")
SETTLE_S = 2.0
"""At most this long is spent waiting for killed processes to be gone after a step."""
KILL_ROUNDS = 50
IPC_RMID = 0
SYSV = ("msg", "shm", "sem")
SPARED_UIDS = (identity.HELPER_UID, identity.SPAWNER_UID)
"""The submission's browser and the warm spawner, which no learner process can reach, live on."""

_libc = ctypes.CDLL(None, use_errno=True)


def kill_everything_else():
    """Kill every process but PID 1 and this one, and wait until they are gone: a process being
    killed still holds its memory and its place in the process limit, which the next step must not
    be charged for (a browser's dozens of processes take a moment to die).

    kill(-1) reaches every process whose real or saved uid is the sender's real or effective uid:
    with the learner's effective uid and the grader's real uid, that is both kinds of process, and
    no learner process can kill this one meanwhile (its real and saved uids stay the grader's)."""
    deadline = time.monotonic() + SETTLE_S
    with identity.acting_as_learner():
        for _ in range(KILL_ROUNDS):  # a process forking as fast as it can may need a few rounds
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            reap_children()
            if not others_alive() or time.monotonic() >= deadline:
                break
            time.sleep(0.005)


def reap_children():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def others_alive():
    """Whether a process other than the harness, PID 1, the helper's and the spawner's is still running
    (zombies hold nothing)."""
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, me) or real_uid(name) in SPARED_UIDS:
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in (b"Z", b"X"):
            return True
    return False


def real_uid(pid):
    """The real uid of process `pid` (whether or not it is dumpable), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def empty(root):
    """Remove what is inside `root` that this process's effective uid may remove; leave the rest."""
    if not os.path.isdir(root) or os.path.islink(root):
        return
    for folder, dirs, _ in os.walk(root):
        for name in dirs:  # a learner may have removed permissions to keep a folder
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                try:
                    os.chmod(path, 0o700)
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


def remove_ipc():
    """Remove every System V IPC object this process's effective uid owns. gVisor has no
    /proc/sysvipc; there, learner processes cannot make such objects at all (identity.py)."""
    for kind in SYSV:
        for ipc_id in sysv_ids(kind):
            if kind == "sem":
                _libc.semctl(ipc_id, 0, IPC_RMID, None)
            elif kind == "shm":
                _libc.shmctl(ipc_id, IPC_RMID, None)
            else:
                _libc.msgctl(ipc_id, IPC_RMID, None)


def sysv_ids(kind):
    try:
        with open(f"/proc/sysvipc/{kind}") as table:
            lines = table.read().splitlines()[1:]
    except OSError:
        return []
    ids = []
    for line in lines:
        fields = line.split()
        if len(fields) > 1 and fields[1].isdigit():
            ids.append(int(fields[1]))
    return ids


def sweep():
    """After a step: every other process killed, every scratch folder, /work and /checks emptied,
    IPC objects removed."""
    kill_everything_else()
    for as_learner in (True, False, True):  # each one's files in the other's folders too
        with identity.acting_as_learner() if as_learner else contextlib.nullcontext():
            for root in (WORK, *SCRATCH):
                empty(root)
            remove_ipc()
    empty(CHECKS)


"""Who a process in the sandbox is: the two uids, their capabilities, and the learner's syscall filter.

The container starts as uid 0 with every capability dropped but CAP_SETUID and CAP_SETGID (Docker gives
no capability at all to a container that starts as another uid). The entry splits that at once:

- the grader (uid 61001) keeps CAP_SETUID/CAP_SETGID in its permitted and effective sets, and nothing
  else, so that it can start learner processes as another uid; it is not dumpable, so no process can
  read its memory or open its descriptors through /proc;
- learner processes (uid 61000) have no capability at all, and a seccomp filter that refuses the
  kernel objects that would outlive them (System V IPC, POSIX message queues, keyrings);
- a prelaunched helper (uid 61002, the grader's browser) has no capability and the same filter; being
  neither the learner's uid nor the grader's, it cannot reach their processes, nor they its;
- the warm spawner (uid 61003, spawner.py) keeps CAP_SETUID/CAP_SETGID like the grader, to give each
  program it starts its role's uid; not dumpable, and no other uid's process can signal or trace it.

Stdlib only: this runs inside the image with its own Python. No exec in between: gVisor does not keep
ambient capabilities across execve, so the grader runs in the process that dropped.
"""

import contextlib
import ctypes
import os
import platform
import struct

LEARNER_UID = 61000
GRADER_UID = 61001
HELPER_UID = 61002
SPAWNER_UID = 61003
CAP_SETGID = 6
CAP_SETUID = 7
GRADER_CAPS = (1 << CAP_SETGID) | (1 << CAP_SETUID)
PR_SET_DUMPABLE = 4
PR_SET_KEEPCAPS = 8
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_prctl = _libc.prctl
_prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_prctl.restype = ctypes.c_int


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def set_capabilities(mask):
    """Make `mask` (bits of the first 32 capabilities) the effective and permitted sets; nothing
    inheritable."""
    data = (_CapData * 2)()
    data[0].effective = data[0].permitted = mask
    _check(_libc.capset(ctypes.byref(_CapHeader(CAPABILITY_VERSION_3, 0)), data), "capset")


def set_dumpable(dumpable):
    _check(_prctl(PR_SET_DUMPABLE, int(dumpable), 0, 0, 0), "prctl(PR_SET_DUMPABLE)")


def become_grader():
    """From uid 0: become the grader uid, keeping CAP_SETUID and CAP_SETGID only; not dumpable."""
    _become_privileged(GRADER_UID)


def become_spawner():
    """From the grader uid (CAP_SETUID/CAP_SETGID kept): become the spawner's uid, keeping those two
    capabilities only; not dumpable."""
    _become_privileged(SPAWNER_UID)


def _become_privileged(uid):
    _check(_prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)")
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    set_capabilities(GRADER_CAPS)
    _check(_prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)")
    set_dumpable(False)


def become_learner():
    """In a child about to exec a learner's program: the learner uid, no capability, the filter."""
    _become_unprivileged(LEARNER_UID)


def become_helper():
    """In a child about to exec the prelaunched helper: its own uid, no capability, the learner's filter."""
    _become_unprivileged(HELPER_UID)


def _become_unprivileged(uid):
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    set_capabilities(0)
    install_learner_filter()


def become_plain_grader():
    """In a child about to exec a program of ours (a test runner, a reporter): the grader uid with no
    capability, so that it cannot start anything as another uid."""
    os.setgroups([])
    os.setresgid(GRADER_UID, GRADER_UID, GRADER_UID)
    os.setresuid(GRADER_UID, GRADER_UID, GRADER_UID)
    set_capabilities(0)


@contextlib.contextmanager
def acting_as_learner():
    """Within: files are created as the learner's and every learner process can be signalled, while the
    real and saved uid stay the grader's (so no learner process may signal or trace this one)."""
    with acting_as(LEARNER_UID):
        yield


@contextlib.contextmanager
def acting_as(uid):
    """Within: this process's effective uid and gid are `uid` (the learner's or the helper's), its real
    and saved ones stay the grader's."""
    os.setresgid(-1, uid, -1)
    os.setresuid(-1, uid, -1)
    try:
        yield
    finally:
        os.setresuid(-1, GRADER_UID, -1)
        os.setresgid(-1, GRADER_UID, -1)
        set_dumpable(False)  # a change of effective uid resets it


@contextlib.contextmanager
def briefly_dumpable():
    """For opening one's own /proc files, which a process that is not dumpable cannot write."""
    set_dumpable(True)
    try:
        yield
    finally:
        set_dumpable(False)


# -- the learner's seccomp filter ---------------------------------------------------------------

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
REFUSED_CALLS = {
    # System V IPC objects and POSIX message queues outlive the processes that make them, and gVisor
    # has no /proc/sysvipc nor /dev/mqueue to find them by; keyrings are not namespaced at all.
    "x86_64": {"shmget": 29, "semget": 64, "msgget": 68, "mq_open": 240, "add_key": 248,
               "request_key": 249, "keyctl": 250},
    "aarch64": {"mq_open": 180, "msgget": 186, "semget": 190, "shmget": 194, "add_key": 217,
                "request_key": 218, "keyctl": 219},
}
X32_BIT = 0x40000000
EPERM = 1
BPF_LD_W_ABS, BPF_JEQ_K, BPF_AND_K, BPF_RET_K = 0x20, 0x15, 0x54, 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def learner_filter_program(machine=None):
    """The BPF program: the refused calls (and any call of another architecture's ABI, such as
    int 0x80 from a 64-bit process) fail with EPERM; everything else goes on to the engine's filter."""
    machine = machine or platform.machine()
    numbers = sorted(REFUSED_CALLS[machine].values())
    deny = RET_ERRNO | EPERM
    program = [
        (BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (BPF_JEQ_K, 1, 0, AUDIT_ARCH[machine]),
        (BPF_RET_K, 0, 0, deny),
        (BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (BPF_AND_K, 0, 0, ~X32_BIT & 0xFFFFFFFF),  # x32 calls are the same calls
    ]
    for index, number in enumerate(numbers):
        remaining = len(numbers) - index - 1
        program.append((BPF_JEQ_K, remaining + 1, 0, number))  # match: jump to the deny below
    program += [(BPF_RET_K, 0, 0, RET_ALLOW), (BPF_RET_K, 0, 0, deny)]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def install_learner_filter():
    """Stack the filter on this process (kept across fork and exec, never removable). Needs
    no-new-privileges, which the container has. Unknown machines keep only the engine's filter."""
    if platform.machine() not in AUDIT_ARCH:
        return
    code = learner_filter_program()
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    _check(_prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(program), 0, 0),
           "prctl(PR_SET_SECCOMP)")

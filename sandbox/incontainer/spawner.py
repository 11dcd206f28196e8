"""A warm Python for the run's Python programs (stdlib only).

Starting Python and importing pytest or Flask takes 0.15 to 0.2 s under runc and about 0.5 s under
gVisor, and a grading starts such a program at every step. `entry.py --warm MODULE,...` forks this
spawner before the run's stream arrives: it imports those modules once, then starts each Python
program the run asks for as a fork of itself, the modules already loaded.

Trust. It is forked before any file of the run exists, and it never reads a request itself (a fork of
it does, the keeper below), so its memory holds nothing of the run: no test, no plan, no nonce, no
learner file. A program it starts inherits that memory and its own request, nothing more. The spawner
runs as a uid of its own (identity.SPAWNER_UID) with CAP_SETUID/CAP_SETGID only, not dumpable: no
learner or grader process can signal, trace or read it, and the harness's clean-up between steps does
not reach it. Each program takes its role's uid, capabilities and syscall filter exactly as a program
the harness forks itself does.

The program is the spawner's grandchild: a fork of the spawner (the keeper) reads the request, forks
the program, answers with its pid and a pipe, then waits for it and writes its wait status (4 bytes)
on that pipe: the harness reads how the program ended there, and kills it by its pid as any other.

Protocol, on a Unix SOCK_SEQPACKET pair (the run finds its end in SANDBOX_SPAWNER: "pid,fd"):

    request  one message, JSON {"role": "learner"|"grader", "script": "/opt/...py", "args": [...],
             "isolated": bool, "env": {...}, "cwd": "/work", "umask": 18, "fds": [n, ...]}, with the
             descriptors to place at those numbers attached (SCM_RIGHTS), in that order;
    reply    one message, JSON {"pid": n} with the read end of the status pipe attached, or
             {"error": "..."}.
"""

import array
import atexit
import contextlib
import fcntl
import importlib
import io
import json
import os
import runpy
import select
import signal
import site
import socket
import struct
import sys
import threading
import traceback

import identity

MAX_REQUEST = 1024 * 1024
MAX_FDS = 32
FAILED = 127
ROLES = ("learner", "grader")
STATUS = struct.Struct("=i")
"""A wait status, as the keeper writes it on the status pipe."""


# -- the entry's side ------------------------------------------------------------------------------

def start(modules):
    """Fork the spawner (from the entry, as the grader, before the stream is read); the description of
    the run's end of its socket, kept open and inheritable here."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            _serve(theirs, modules)
        finally:
            os._exit(0)
    theirs.close()
    fd = ours.detach()
    os.set_inheritable(fd, True)
    return f"{pid},{fd}"


def _serve(sock, modules):
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)  # nothing of the spawner's reaches the run's output
    keep = sock.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 65536)
    identity.become_spawner()
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # its keepers are reaped as they end
    site.main()  # the entry runs without site: a program finds its packages as `python3` would
    sys.dont_write_bytecode = True
    for name in modules:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    base_path = [entry for entry in sys.path if entry != os.path.dirname(os.path.abspath(__file__))]
    while True:
        select.select([sock], [], [])
        taken_r, taken_w = os.pipe()
        if os.fork() == 0:
            os.close(taken_r)
            _keep(sock, taken_w, base_path)
        os.close(taken_w)
        taken = os.read(taken_r, 1)  # the keeper has read its request: look for the next one
        os.close(taken_r)
        if not taken:
            return  # the run's end is closed: nothing more will be asked


def _keep(sock, taken_w, base_path):
    """In the spawner's fork: read one request, start its program, answer, then wait for the program
    and write how it ended on the status pipe; never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        request, fds = _receive(sock)
    except Exception as error:  # a malformed request: the harness starts the program itself
        _answer(sock, taken_w, {"error": f"{type(error).__name__}: {error}"[:500]})
        os._exit(0)
    if request is None:
        os._exit(0)
    try:
        status_r, status_w = os.pipe()
        program = os.fork()
    except OSError as error:  # out of processes or descriptors: the harness tries itself
        _answer(sock, taken_w, {"error": f"cannot start it: {error}"})
        os._exit(0)
    if program == 0:
        for fd in (status_r, status_w, taken_w):
            os.close(fd)
        sock.close()
        _become_program(request, fds, base_path)
    for fd in fds:
        os.close(fd)
    _answer(sock, taken_w, {"pid": program}, status_r)
    os.close(status_r)
    _, status = os.waitpid(program, 0)
    os.write(status_w, STATUS.pack(status))
    os._exit(0)


def _answer(sock, taken_w, answer, status_r=None):
    attached = []
    if status_r is not None:
        attached = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [status_r]))]
    with contextlib.suppress(OSError):
        sock.sendmsg([json.dumps(answer).encode()], attached)
    sock.close()
    os.write(taken_w, b"+")
    os.close(taken_w)


def _receive(sock):
    fds = array.array("i")
    data, ancillary, _, _ = sock.recvmsg(MAX_REQUEST, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    if not data:
        return None, []
    request = json.loads(data)
    if request.get("role") not in ROLES or len(request.get("fds", ())) != len(fds):
        raise ValueError("not a request of the harness")
    script = request["script"]
    if not (script.startswith("/opt/") and script.endswith(".py")):
        raise ValueError("not a program of the image")
    return request, list(fds)


def _become_program(request, fds, base_path):
    """In the program's process: its descriptors, its uid, its environment, then its script, run here
    as `python3 [-I] SCRIPT ARGS` would run it; never returns."""
    try:
        take_role(request["role"], dict(zip(request["fds"], fds, strict=True)), request["cwd"])
        if request["role"] == "learner":
            identity.set_dumpable(True)  # as after an exec: the learner's own process
        os.umask(request["umask"])
        os.environ.clear()
        os.environ.update(request["env"])
        script = request["script"]
        extra = [] if request["isolated"] else [
            os.path.dirname(script), *filter(None, os.environ.get("PYTHONPATH", "").split(":"))]
        sys.path[:] = [*extra, *base_path]
        sys.argv[:] = [script, *request["args"]]
        _standard_streams(bool(os.environ.get("PYTHONUNBUFFERED")))
    except BaseException as error:
        os.write(2, f"cannot start {request.get('script')}: {error}\n".encode())
        os._exit(FAILED)
    os._exit(_run(script))


def take_role(role, descriptors, cwd):
    """In a new process that is about to become a step's program (by exec, or as the spawner runs it):
    a session of its own, its descriptors ({number: ours}, every other one closed), the uid,
    capabilities and filter of its role ("learner" or "grader"), then its folder."""
    os.setsid()
    place(descriptors)
    if role == "learner":
        identity.become_learner()
    else:
        identity.become_plain_grader()
    os.chdir(cwd)


def place(descriptors):
    """In a new process: put each of our descriptors at its number ({target: source}), close the rest.
    Sources are first moved out of the way, so that no target overwrites a source not yet placed."""
    above = max(descriptors) + 1
    moved = {target: fcntl.fcntl(source, fcntl.F_DUPFD, above) for target, source in descriptors.items()}
    for target, source in moved.items():
        os.dup2(source, target)
    os.closerange(max(descriptors) + 1, 65536)


def _standard_streams(unbuffered):
    """New sys.stdin/stdout/stderr on descriptors 0-2, as a starting interpreter makes them."""
    def stream(fd, mode, errors):
        raw = io.FileIO(fd, mode, closefd=False)
        if mode == "rb":
            return io.TextIOWrapper(io.BufferedReader(raw), "utf-8", errors)
        buffered = raw if unbuffered else io.BufferedWriter(raw)
        lines = unbuffered or fd == 2 or raw.isatty()
        return io.TextIOWrapper(buffered, "utf-8", errors, line_buffering=lines, write_through=unbuffered)
    sys.stdin = sys.__stdin__ = stream(0, "rb", "strict")
    sys.stdout = sys.__stdout__ = stream(1, "wb", "strict")
    sys.stderr = sys.__stderr__ = stream(2, "wb", "backslashreplace")


def _run(script):
    """Run the script as __main__ and end as the interpreter would: its exit status, non-daemon
    threads joined, exit handlers run, output flushed."""
    try:
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as end:
        code = _exit_status(end.code)
    except BaseException as error:
        _print_uncaught(error, script)
        code = 1
    with contextlib.suppress(BaseException):
        threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter does at exit
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    return code


def _print_uncaught(error, script):
    """The traceback `python3 SCRIPT` prints: from the script's frame on, without the frames of runpy."""
    frames = error.__traceback__
    while frames is not None and frames.tb_frame.f_code.co_filename != script:
        frames = frames.tb_next
    with contextlib.suppress(BaseException):
        traceback.print_exception(type(error), error, frames or error.__traceback__)


def _exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(BaseException):
        print(code, file=sys.stderr)
    return 1


# -- the harness's side ----------------------------------------------------------------------------

class Spawner:
    """The run's end of the spawner (from SANDBOX_SPAWNER), or a stand-in that never answers when
    there is none: the harness then starts its programs itself."""

    def __init__(self, described):
        self.sock = None
        if described:
            _, fd = (int(part) for part in described.split(","))
            os.set_inheritable(fd, False)
            self.sock = socket.socket(fileno=fd)

    def spawn(self, role, script, args, env, cwd, descriptors, isolated=True):
        """Start `script` as `role` with `descriptors` ({number in the program: ours}): its pid and the
        pipe its wait status will come on (non-blocking), or None when the spawner cannot (start it
        yourself)."""
        if self.sock is None:
            return None
        targets = sorted(descriptors)
        umask = os.umask(0)
        os.umask(umask)
        request = {"role": role, "script": script, "args": list(args), "isolated": isolated,
                   "env": dict(env), "cwd": cwd, "umask": umask, "fds": targets}
        fds = array.array("i", [descriptors[target] for target in targets])
        try:
            self.sock.sendmsg([json.dumps(request).encode()],
                              [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())])
            data, ancillary, _, _ = self.sock.recvmsg(MAX_REQUEST, socket.CMSG_SPACE(fds.itemsize))
            answer = json.loads(data or b"{}")
        except (OSError, ValueError):
            self.close()
            return None
        status = [fd for level, kind, payload in ancillary if level == socket.SOL_SOCKET
                  and kind == socket.SCM_RIGHTS for fd in array.array("i", payload)]
        pid = answer.get("pid")
        if not isinstance(pid, int) or len(status) != 1:
            for fd in status:
                os.close(fd)
            if not data:
                self.close()  # the spawner is gone
            return None
        os.set_blocking(status[0], False)
        return pid, status[0]

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def read_status(fd):
    """The program's exit code (as os.waitstatus_to_exitcode gives it) once its keeper wrote it; None
    while it runs; -SIGKILL when the keeper is gone without a word."""
    try:
        data = os.read(fd, STATUS.size)
    except BlockingIOError:
        return None
    if len(data) < STATUS.size:
        return -signal.SIGKILL
    return os.waitstatus_to_exitcode(STATUS.unpack(data)[0])

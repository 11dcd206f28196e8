"""Starting the processes of one step, as the learner's uid or the grader's, and collecting what they
did within the step's time and output caps."""

import os
import select
import selectors
import signal
import time

import identity
import spawner

REPORT_FD = 3
REPORT_CAP = 8 * 1024 * 1024
POLL_S = 0.01
KILLED_WAIT_S = 5.0
"""How long a program the spawner started may take to be reported gone after SIGKILL."""
DRAIN_S = 0.2
OOM_COUNTERS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")
LEARNER_SCORE = b"1000"
HARNESS_SCORE = b"0"
_own_score = None
SPAWNER = spawner.Spawner(os.environ.pop("SANDBOX_SPAWNER", None))
"""The run's warm spawner, when the plan asked for one: Python programs marked `warm` start as forks
of a Python that has their modules imported already (sandbox/incontainer/spawner.py)."""
PYTHON_FLAGS = ("-I", "-B", "-S")


class Child:
    """What to start: argv in `cwd` with stdin bytes and env, as `role` ("learner": the learner's uid, no
    capability, the learner's syscall filter; "grader": the grader's uid, no capability). `report`
    opens fd 3 as a pipe back; `fds` places more descriptors ({number in the child: ours}). `warm`: argv
    is `python3 [-I] [-B] SCRIPT ARGS...` of the image, which the warm spawner may start instead."""

    def __init__(self, argv, env, stdin=b"", report=False, cwd="/work", role="learner", fds=None,
                 warm=False):
        if role not in ("learner", "grader"):
            raise ValueError(f"unknown role {role!r}")
        self.argv = list(argv)
        self.env = dict(env)
        self.stdin = stdin
        self.report = report
        self.cwd = cwd
        self.role = role
        self.fds = dict(fds or {})
        self.warm = warm


def spawn_warm(child, descriptors):
    """Start `child` through the warm spawner: its pid and its status pipe, or None (start it
    yourself)."""
    position = 1
    while position < len(child.argv) and child.argv[position] in PYTHON_FLAGS:
        position += 1
    if child.argv[0] != "python3" or position >= len(child.argv) or not child.argv[position].endswith(".py"):
        return None
    flags, script, args = child.argv[1:position], child.argv[position], child.argv[position + 1:]
    return SPAWNER.spawn(child.role, script, args, child.env, child.cwd, descriptors, isolated="-I" in flags)


def hold_own_oom_score():
    """Under memory pressure the kernel kills the process with the highest OOM score (ties: the
    larger). The harness takes 0 where the engine allows it (the entry did the same for the
    container's init, as uid 0); every child starts with 1000, so that a step's programs die before
    the harness does. The descriptor opened here stays writable, and children inherit the score in
    force when they fork."""
    global _own_score
    with identity.briefly_dumpable():  # a process that is not dumpable may not open its /proc files
        try:
            fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
            os.write(fd, HARNESS_SCORE)
        except OSError:
            return
        _own_score = fd


def _set_own_score(score):
    if _own_score is not None:
        try:
            os.write(_own_score, score)
        except OSError:
            pass


def oom_kills():
    for path in OOM_COUNTERS:
        try:
            with open(path) as file:
                for line in file:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except OSError:
            continue
    return None


def stdin_fd(data):
    if not data:
        return os.open(os.devnull, os.O_RDONLY)
    fd = os.memfd_create("stdin")
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


class Running:
    """A started child and the pipes it writes to."""

    def __init__(self, child):
        self.child = child
        source = stdin_fd(child.stdin)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        rep_r, rep_w = os.pipe() if child.report else (None, None)
        placed = {0: source, 1: out_w, 2: err_w, **child.fds}
        if rep_w is not None:
            placed[REPORT_FD] = rep_w
        self.oom_before = oom_kills()
        spawned = spawn_warm(child, placed) if child.warm else None
        self.pid, self.status_fd = spawned or (self._fork(child, placed), None)
        for fd in (source, out_w, err_w, rep_w):
            if fd is not None:
                os.close(fd)
        self._watch(out_r, err_r, rep_r)

    @staticmethod
    def _fork(child, placed):
        _set_own_score(LEARNER_SCORE)  # inherited by the child, as it forks
        pid = os.fork()
        if pid == 0:  # the child: nothing of the learner's runs before exec
            try:
                spawner.take_role(child.role, placed, child.cwd)
                os.execvpe(child.argv[0], child.argv, child.env)
            except BaseException as error:
                os.write(2, f"cannot start {child.argv[0]}: {error}\n".encode())
            os._exit(127)
        _set_own_score(HARNESS_SCORE)
        return pid

    def _watch(self, out_r, err_r, rep_r):
        self.buffers = {out_r: bytearray(), err_r: bytearray()}
        self.names = {out_r: "stdout", err_r: "stderr"}
        if rep_r is not None:
            self.buffers[rep_r] = bytearray()
            self.names[rep_r] = "report"
        self.exit_code = None
        self.killed_by_us = False

    def kill(self):
        """Kill the child and its process group, whichever uid they run as."""
        self.killed_by_us = True
        with identity.acting_as_learner():
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def poll(self):
        if self.exit_code is not None:
            return True
        if self.status_fd is not None:  # started by the spawner: its keeper says how it ended
            self.exit_code = spawner.read_status(self.status_fd)
            if self.exit_code is None:
                return False
            os.close(self.status_fd)
            self.status_fd = None
            return True
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.exit_code = -signal.SIGKILL if self.killed_by_us else 0
            return True
        if pid == 0:
            return False
        self.exit_code = os.waitstatus_to_exitcode(status)
        return True

    def reap(self, deadline):
        """Wait (until `deadline`) for the child to exit on its own, then kill it and wait for good."""
        while not self.poll() and time.monotonic() < deadline:
            time.sleep(POLL_S / 5)
        if not self.poll():
            self.kill()
            if self.status_fd is not None:
                select.select([self.status_fd], [], [], KILLED_WAIT_S)
                if not self.poll():  # still not gone: whatever it does, the step is over
                    os.close(self.status_fd)
                    self.status_fd = None
                    self.exit_code = -signal.SIGKILL
                return
            try:
                _, status = os.waitpid(self.pid, 0)
                self.exit_code = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.exit_code = -signal.SIGKILL

    def text(self, name):
        for fd, kind in self.names.items():
            if kind == name:
                return bytes(self.buffers[fd]).decode("utf-8", "replace")
        return ""

    def died_of_memory(self, measured_only=False):
        """Killed by SIGKILL, and not by us: the kernel's OOM killer, when its counter rose or (unless
        `measured_only`) when there is no counter to read (gVisor)."""
        if self.exit_code != -signal.SIGKILL or self.killed_by_us:
            return False
        after = oom_kills()
        if after is None or self.oom_before is None:
            return not measured_only
        return after > self.oom_before

    def collect(self, deadline, output_cap, others=(), services=None):
        return collect([self, *others], deadline, output_cap, services)


def collect(processes, deadline, output_cap, services=None):
    """Read every process's pipes until the first one (the step's main program) ends, plus a short
    drain, or the deadline, or an output cap. The others (a learner's server, say) are then killed,
    and what they wrote until then is read to its end.

    `services` maps more descriptors to handlers, called when one is readable (a handler may start and
    collect processes of its own); a handler returning False is unregistered.

    Returns the step's outcome: status, the main program's exit code, every program's output (the
    main one's first) and the main program's report."""
    main, others = processes[0], processes[1:]
    pipes = Pipes(processes, output_cap, services)
    exited_at = None
    while pipes.open(main) and pipes.status is None:
        now = time.monotonic()
        if now >= deadline:
            pipes.status = "timeout"
            break
        if exited_at is None and main.poll():
            exited_at = now
        if exited_at is not None and now - exited_at > DRAIN_S:
            break  # something the main program left behind holds the pipes; it is killed next
        pipes.read(min(POLL_S, max(deadline - now, 0)))
    status = pipes.status
    if status is not None:
        main.kill()
    # Pipes at end of file: the main program is exiting; give it a moment to become waitable, so
    # that its own exit code is kept (a blocking wait after a kill would consume it unread).
    main.reap(min(time.monotonic() + DRAIN_S, deadline) if status is None else 0)
    for process in others:
        if not process.poll():  # one that ended by itself keeps its exit code (and its cause)
            process.kill()
    drain_by = time.monotonic() + DRAIN_S
    while pipes.open(*others) and time.monotonic() < drain_by:
        pipes.read(POLL_S)
    pipes.close()
    for process in others:
        process.reap(0)
    # A helper of the main program (the learner's server) that died of SIGKILL counts as out of memory
    # only when the counter says so: it may well have killed itself, and its tests said how it ended.
    helpers_died = any(process.died_of_memory(measured_only=True) for process in others)
    if status is None and (main.died_of_memory() or helpers_died):
        status = "memory"
    return {
        "status": status or pipes.status or "ok",
        "exit_code": main.exit_code,
        "stdout": "".join(process.text("stdout") for process in processes)[: output_cap],
        "stderr": "".join(process.text("stderr") for process in processes)[: output_cap],
        "report": main.text("report"),
    }


class Pipes:
    """The pipes of a step's processes (and the descriptors of its services), read into their buffers
    within caps; `status` becomes "output" when a program printed more than its cap."""

    def __init__(self, processes, output_cap, services):
        self.selector = selectors.DefaultSelector()
        self.owners = {}
        self.output_cap = output_cap
        self.services = services or {}
        self.status = None
        for process in processes:
            for fd in process.buffers:
                self.selector.register(fd, selectors.EVENT_READ)
                self.owners[fd] = process
        for fd in self.services:
            self.selector.register(fd, selectors.EVENT_READ)

    def open(self, *processes):
        registered = self.selector.get_map().keys()
        return any(fd in registered for process in processes for fd in process.buffers)

    def read(self, timeout):
        for key, _ in self.selector.select(timeout):
            process = self.owners.get(key.fd)
            if process is None:
                if self.services[key.fd](key.fd) is False:
                    self.selector.unregister(key.fd)
                continue
            data = os.read(key.fd, 65536)
            if not data:
                self.selector.unregister(key.fd)
                continue
            buffer = process.buffers[key.fd]
            cap = REPORT_CAP if process.names[key.fd] == "report" else self.output_cap
            room = cap - len(buffer)
            buffer += data[: max(room, 0)]
            if len(data) > room and self.status is None:
                self.status = "output"
                for other in self.owners.values():
                    other.kill()

    def close(self):
        self.selector.close()
        for fd in self.owners:
            os.close(fd)


def run_child(child, timeout_s, output_cap):
    return Running(child).collect(time.monotonic() + timeout_s, output_cap)

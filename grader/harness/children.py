"""Starting one child process for a step and collecting what it did, within time and output caps."""

import os
import selectors
import signal
import time

REPORT_FD = 3
REPORT_CAP = 8 * 1024 * 1024
POLL_S = 0.01
DRAIN_S = 0.2
OOM_COUNTERS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")
LEARNER_SCORE = b"1000"
HARNESS_SCORE = b"0"
_own_score = None


class Child:
    """What to start: argv in /work with stdin bytes and env; `report` opens fd 3 as a pipe back."""

    def __init__(self, argv, env, stdin=b"", report=False, cwd="/work"):
        self.argv = list(argv)
        self.env = dict(env)
        self.stdin = stdin
        self.report = report
        self.cwd = cwd


def hold_own_oom_score():
    """Under memory pressure the kernel kills the process with the highest OOM score (ties: the
    larger). The harness and the container's init take 0, the lowest a process may set here; every
    child starts with 1000, so that a step's programs die before the harness does. (A program may
    lower its own score to 0, as Chromium does; then the larger process dies, and the harness is
    small.) Call before the harness makes itself non-dumpable, which locks its /proc files: the
    descriptor opened here stays writable, and children inherit the score in force when they fork."""
    global _own_score
    for path in ("/proc/1/oom_score_adj", "/proc/self/oom_score_adj"):
        try:
            fd = os.open(path, os.O_WRONLY)
            os.write(fd, HARNESS_SCORE)
        except OSError:
            continue
        if path.startswith("/proc/self"):
            _own_score = fd
        else:
            os.close(fd)


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
        self.oom_before = oom_kills()
        _set_own_score(LEARNER_SCORE)  # inherited by the child, as it forks
        self.pid = os.fork()
        if self.pid == 0:  # the child: nothing of the learner's runs before exec
            try:
                os.setsid()
                os.dup2(source, 0)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                if rep_w is not None:
                    os.dup2(rep_w, REPORT_FD)
                os.closerange(REPORT_FD + 1 if rep_w is not None else REPORT_FD, 65536)
                os.chdir(child.cwd)
                os.execvpe(child.argv[0], child.argv, child.env)
            except BaseException as error:
                os.write(2, f"cannot start {child.argv[0]}: {error}\n".encode())
            os._exit(127)
        _set_own_score(HARNESS_SCORE)
        for fd in (source, out_w, err_w, rep_w):
            if fd is not None:
                os.close(fd)
        self._watch(out_r, err_r, rep_r)

    @classmethod
    def prelaunched(cls, description, stdin):
        """Adopt the helper the sandbox entry started before the run's files arrived (described by
        SANDBOX_PRELAUNCH as "pid,stdin,stdout,stderr,fd3"), and give it its input. It started as the
        sandbox user with nothing of the learner's present, like a child started here."""
        pid, stdin_w, out_r, err_r, rep_r = (int(part) for part in description.split(","))
        running = cls.__new__(cls)
        running.child = None
        running.pid = pid
        running.oom_before = oom_kills()
        try:
            view = memoryview(stdin)
            while view:
                view = view[os.write(stdin_w, view) :]
        except OSError:
            pass  # it has already ended: collect says how
        finally:
            os.close(stdin_w)
        running._watch(out_r, err_r, rep_r)
        return running

    def _watch(self, out_r, err_r, rep_r):
        self.buffers = {out_r: bytearray(), err_r: bytearray()}
        self.names = {out_r: "stdout", err_r: "stderr"}
        if rep_r is not None:
            self.buffers[rep_r] = bytearray()
            self.names[rep_r] = "report"
        self.status = None
        self.exit_code = None
        self.killed_by_us = False

    def kill(self):
        self.killed_by_us = True
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
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            return False
        self.exit_code = os.waitstatus_to_exitcode(status)
        return True

    def collect(self, deadline, output_cap):
        """Read the child's pipes until it ends (plus a short drain), the deadline, or a cap."""
        selector = selectors.DefaultSelector()
        for fd in self.buffers:
            selector.register(fd, selectors.EVENT_READ)
        exited_at = None
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                self.status = "timeout"
                self.kill()
                break
            if exited_at is None and self.poll():
                exited_at = now
            if exited_at is not None and now - exited_at > DRAIN_S:
                break  # something the child left behind holds the pipes; it is killed next
            for key, _ in selector.select(min(POLL_S, deadline - now)):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fd)
                    continue
                buffer = self.buffers[key.fd]
                cap = REPORT_CAP if self.names[key.fd] == "report" else output_cap
                room = cap - len(buffer)
                buffer += data[: max(room, 0)]
                if len(data) > room and self.status is None:
                    self.status = "output"
                    self.kill()
            if self.status == "output":
                break
        selector.close()
        # Pipes at end of file: the child is exiting; give it a moment to become waitable, so
        # that its own exit code is kept (a blocking wait after a kill would consume it unread).
        grace = min(time.monotonic() + DRAIN_S, deadline)
        while self.status is None and not self.poll() and time.monotonic() < grace:
            time.sleep(POLL_S / 5)
        if not self.poll():
            self.kill()
            _, status = os.waitpid(self.pid, 0)
            self.exit_code = os.waitstatus_to_exitcode(status)
        for fd in self.buffers:
            os.close(fd)
        return self.outcome()

    def outcome(self):
        status = self.status or "ok"
        if status == "ok" and self.exit_code == -signal.SIGKILL and not self.killed_by_us:
            after = oom_kills()
            if after is None or self.oom_before is None or after > self.oom_before:
                status = "memory"
        texts = {name: bytes(self.buffers[fd]).decode("utf-8", "replace") for fd, name in self.names.items()}
        return {
            "status": status,
            "exit_code": self.exit_code,
            "stdout": texts["stdout"],
            "stderr": texts["stderr"],
            "report": texts.get("report", ""),
        }


def run_child(child, timeout_s, output_cap):
    return Running(child).collect(time.monotonic() + timeout_s, output_cap)

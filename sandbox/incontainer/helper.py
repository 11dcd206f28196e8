"""A prelaunched helper: a program started as soon as the container starts, before any file of the run
exists, so that it is ready when the run arrives (the grader's browser). Stdlib only.

It runs as a uid of its own (identity.HELPER_UID) with no capability and the learner's syscall filter:
learner programs cannot signal, trace or read it, nor it theirs or the harness's, and the harness's
clean-up between steps (which kills every learner and grader process) leaves it running. Its
descriptors:

    0, 1   /dev/null
    2      a pipe that never blocks it (what it writes while the pipe is full is lost)
    3      a pipe it reads (commands)
    4      a pipe it writes (replies)

Its home and TMPDIR are HOME, a folder of its own (mode 0700) in /tmp, and it creates files private
to itself (umask 077). The starting process keeps the other ends, described as "pid,3,4,2": the fds
writing to its 3, reading its 4 and reading its 2.
"""

import fcntl
import os

import identity

HOME = "/tmp/helper"
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": HOME, "TMPDIR": HOME, "LANG": "C.UTF-8"}
NOT_STARTED = 127


def start(argv):
    """Fork and exec `argv` as the helper; the description of its pipes (kept open and inheritable
    in this process)."""
    commands_r, commands_w = os.pipe()
    replies_r, replies_w = os.pipe()
    log_r, log_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            flags = fcntl.fcntl(log_w, fcntl.F_GETFL)
            fcntl.fcntl(log_w, fcntl.F_SETFL, flags | os.O_NONBLOCK)
            placed = {0: null, 1: null, 2: log_w, 3: commands_r, 4: replies_w}
            moved = {target: fcntl.fcntl(source, fcntl.F_DUPFD, 10) for target, source in placed.items()}
            for target, source in moved.items():
                os.dup2(source, target)
            os.closerange(5, 65536)
            identity.become_helper()
            os.umask(0o077)
            os.makedirs(HOME, mode=0o700, exist_ok=True)
            home = os.stat(HOME, follow_symlinks=False)
            if home.st_uid != identity.HELPER_UID or home.st_mode & 0o077:
                os._exit(NOT_STARTED)  # not its own: someone else made it
            os.chdir(HOME)
            os.execvpe(argv[0], list(argv), ENV)
        except BaseException:
            pass
        os._exit(NOT_STARTED)
    for fd in (commands_r, replies_w, log_w):
        os.close(fd)
    ends = (commands_w, replies_r, log_r)
    for fd in ends:
        os.set_inheritable(fd, True)
    return ",".join(str(n) for n in (pid, *ends))


def parse(description):
    """(pid, commands, replies, log) from a description made by `start`."""
    pid, commands, replies, log = (int(part) for part in description.split(","))
    return pid, commands, replies, log

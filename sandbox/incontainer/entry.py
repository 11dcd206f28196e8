"""The first program of every sandbox container (runs as the sandbox user, stdlib only).

It reads one tar stream on stdin: the run's files (written under /work), `.sandbox/manifest.json`
(argv and environment) and `.sandbox/stdin` (the command's standard input). Then it becomes the
command with exec, so the command's exit status is the container's. Containers can be started ahead
of need because this waits, doing nothing, until the host sends the stream.

`entry.py -- PROGRAM ARGS...` also starts PROGRAM at once, before the stream arrives, so that it can
load what it needs while the container waits (a prelaunched helper). Its stdin, stdout, stderr and
fd 3 are pipes; the command inherits their other ends and finds them in SANDBOX_PRELAUNCH
("pid,stdin,stdout,stderr,fd3"). The helper runs as the sandbox user before any file of the run
exists; the command decides whether to use it or kill it.
"""

import json
import os
import sys
import tarfile

WORK = "/work"
MANIFEST = ".sandbox/manifest.json"
STDIN = ".sandbox/stdin"
SETUP_FAILED = 125
NOT_FOUND = 127


def write_file(relative: str, data: bytes) -> None:
    parts = relative.split("/")
    if relative.startswith("/") or ".." in parts or "" in parts:
        raise ValueError(f"refusing path {relative!r}")
    path = os.path.join(WORK, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def memory_file(data: bytes) -> int:
    """A file descriptor reading `data`, kept in memory rather than on the learner-visible disk."""
    fd = os.memfd_create("stdin")
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def unpack() -> tuple[dict, int]:
    manifest = None
    stdin_fd = None
    with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                continue
            data = tar.extractfile(member).read()
            if member.name == MANIFEST:
                manifest = json.loads(data)
            elif member.name == STDIN:
                stdin_fd = memory_file(data)
            else:
                write_file(member.name, data)
    if manifest is None:
        raise ValueError("no manifest in the stream")
    if stdin_fd is None:
        stdin_fd = os.open(os.devnull, os.O_RDONLY)
    return manifest, stdin_fd


def prelaunch(argv: list) -> str:
    """Start `argv` with its standard streams and fd 3 on pipes; the other ends stay open (and
    inheritable) in this process. Returns the SANDBOX_PRELAUNCH value describing them."""
    child_in, parent_in = os.pipe()
    parent_out, child_out = os.pipe()
    parent_err, child_err = os.pipe()
    parent_rep, child_rep = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.dup2(child_in, 0)
            os.dup2(child_out, 1)
            os.dup2(child_err, 2)
            os.dup2(child_rep, 3)
            os.closerange(4, 65536)
            with open("/proc/self/oom_score_adj", "w") as adj:
                adj.write("1000")  # like every program a step runs: first to go under memory pressure
            os.chdir(WORK)
            os.execvp(argv[0], argv)
        except BaseException:
            os._exit(NOT_FOUND)
    for fd in (child_in, child_out, child_err, child_rep):
        os.close(fd)
    ends = (parent_in, parent_out, parent_err, parent_rep)
    for fd in ends:
        os.set_inheritable(fd, True)
    return ",".join(str(n) for n in (pid, *ends))


def main() -> int:
    helper = prelaunch(sys.argv[2:]) if sys.argv[1:2] == ["--"] and len(sys.argv) > 2 else None
    try:
        manifest, stdin_fd = unpack()
    except (OSError, ValueError, tarfile.TarError) as error:
        print(f"sandbox: could not set up the run: {error}", file=sys.stderr)
        return SETUP_FAILED
    os.dup2(stdin_fd, 0)
    os.close(stdin_fd)
    os.chdir(WORK)
    argv = manifest["argv"]
    env = dict(manifest["env"])
    if helper is not None:
        env["SANDBOX_PRELAUNCH"] = helper
    try:
        os.execvpe(argv[0], argv, env)
    except OSError as error:
        print(f"sandbox: cannot run {argv[0]}: {error.strerror}", file=sys.stderr)
        return NOT_FOUND


if __name__ == "__main__":
    sys.exit(main())

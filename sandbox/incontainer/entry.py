"""The first program of every sandbox container (starts as uid 0, stdlib only).

First of all it splits the container's one privilege (see identity.py): it becomes the grader uid with
only CAP_SETUID/CAP_SETGID, not dumpable. Then it reads one tar stream on stdin: the run's files
(written under /work as the learner's), `.sandbox/manifest.json` (argv, environment, mode) and
`.sandbox/stdin`. Containers can be started ahead of need because this waits, doing nothing, until the
host sends the stream.

Two modes:
- a plain run (the default): become the learner uid with no capability and exec the command, so its
  exit status is the container's;
- `"as_grader": true`: argv[0] is a Python program of the image (the grading harness), run in this
  very process, as the grader uid with CAP_SETUID/CAP_SETGID, with the stdin data as its stdin. It is
  run in-process rather than exec'd because gVisor keeps no capability across execve for a non-root
  uid; it starts every learner program itself, as the learner uid.

`entry.py -- PROGRAM ARGS...` also starts PROGRAM at once, before the stream arrives, so that it can
load what it needs while the container waits (a prelaunched helper, see helper.py: its own uid, its
pipes). The command inherits the other ends of its pipes and finds them in SANDBOX_PRELAUNCH
("pid,commands,replies,log"). It runs before any file of the run exists.

`entry.py --warm MODULE,MODULE [-- ...]` forks a warm spawner first, before the stream arrives too
(spawner.py): a Python with those modules imported, which starts the run's Python programs as forks of
itself. The command finds its end in SANDBOX_SPAWNER ("pid,fd").
"""

import json
import os
import runpy
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's folder out

import helper  # noqa: E402
import identity  # noqa: E402
import spawner  # noqa: E402

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


def unpack() -> tuple[dict, bytes]:
    manifest = None
    stdin = b""
    files = []
    with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                continue
            data = tar.extractfile(member).read()
            if member.name == MANIFEST:
                manifest = json.loads(data)
            elif member.name == STDIN:
                stdin = data
            else:
                files.append((member.name, data))
    if manifest is None:
        raise ValueError("no manifest in the stream")
    os.umask(0o022)
    with identity.acting_as_learner():  # the learner's own files: theirs to change
        for name, data in files:
            write_file(name, data)
    return manifest, stdin


def run_as_grader(argv: list, env: dict, stdin: bytes) -> int:
    """Run the Python program argv[0] in this process, as the grader."""
    program = argv[0]
    if not (program.startswith("/opt/") and program.endswith(".py")):
        print(f"sandbox: {program} is not a program of the image", file=sys.stderr)
        return SETUP_FAILED
    fd = memory_file(stdin)
    os.dup2(fd, 0)
    os.close(fd)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115  (fd 0 stays open for the program)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(program))
    try:
        runpy.run_path(program, run_name="__main__")
    except SystemExit as end:
        code = end.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def spare_init() -> None:
    """Under memory pressure the kernel must pick a learner's program, never the container's init
    (its end is the container's end). Only uid 0, which init runs as, may lower its OOM score."""
    try:
        with open("/proc/1/oom_score_adj", "w") as adj:
            adj.write("0")
    except OSError:
        pass  # the engine did not allow it: init is tiny, and the largest process goes first anyway


def parse_options(argv: list) -> tuple[list, list]:
    """The modules to keep warm and the helper's argv, from `[--warm A,B] [-- PROGRAM ARGS...]`."""
    warm = []
    if argv[:1] == ["--warm"] and len(argv) > 1:
        warm = [name for name in argv[1].split(",") if name]
        argv = argv[2:]
    helper_argv = argv[1:] if argv[:1] == ["--"] else []
    return warm, helper_argv


def start_spawner(modules: list) -> str | None:
    """The warm spawner's description, or None: without it the harness starts its programs itself."""
    try:
        return spawner.start(modules)
    except OSError as error:
        print(f"sandbox: no warm spawner: {error}", file=sys.stderr)
        return None


def main() -> int:
    spare_init()
    identity.become_grader()  # then at once: nothing is read as root
    warm, helper_argv = parse_options(sys.argv[1:])
    spawned = start_spawner(warm) if warm else None
    prelaunched = helper.start(helper_argv) if helper_argv else None
    try:
        manifest, stdin = unpack()
    except (OSError, ValueError, tarfile.TarError) as error:
        print(f"sandbox: could not set up the run: {error}", file=sys.stderr)
        return SETUP_FAILED
    os.chdir(WORK)
    argv = manifest["argv"]
    env = dict(manifest["env"])
    if prelaunched is not None:
        env["SANDBOX_PRELAUNCH"] = prelaunched
    if manifest.get("as_grader"):
        if spawned is not None:
            env["SANDBOX_SPAWNER"] = spawned
        return run_as_grader(argv, env, stdin)
    if spawned is not None:  # only the harness may ask it for a program, never a learner's one
        os.close(int(spawned.split(",")[1]))
    stdin_fd = memory_file(stdin) if stdin else os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin_fd, 0)
    os.close(stdin_fd)
    identity.become_learner()
    try:
        os.execvpe(argv[0], argv, env)
    except OSError as error:
        print(f"sandbox: cannot run {argv[0]}: {error.strerror}", file=sys.stderr)
        return NOT_FOUND


if __name__ == "__main__":
    sys.exit(main())

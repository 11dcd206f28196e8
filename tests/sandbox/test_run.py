"""Tests of sandbox/run.py against the real engine: what goes in, what comes out, what fails how."""

from __future__ import annotations

import gc
import hashlib
import json
import threading
import warnings
from collections.abc import Callable, Iterator

import pytest

from sandbox import RunLimits, RunResult, RunSpec, Sandbox, SandboxSettings, SandboxUnavailable

pytestmark = pytest.mark.docker

LIMITS = RunLimits(wall_s=10)


def run(sandbox: Sandbox, image: str, command: list[str], **kwargs: object) -> RunResult:
    return sandbox.run(RunSpec(image, command, limits=LIMITS, **kwargs))  # type: ignore[arg-type]


def test_files_arrive_in_nested_folders_byte_for_byte(sandbox: Sandbox, runner_image: str) -> None:
    files = {
        "main.py": b"print('hello')\n",
        "a/b/c/data.bin": bytes(range(256)) * 64,
        "a/b/empty": b"",
        "é/ünïcode.txt": "naïve\n".encode(),
    }
    digest = (
        "import hashlib, os\n"
        "for root, _, names in sorted(os.walk('.')):\n"
        "    for name in sorted(names):\n"
        "        path = os.path.join(root, name)[2:]\n"
        "        digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()\n"
        "        print(path, digest, oct(os.stat(path).st_mode))\n"
    )
    result = run(sandbox, runner_image, ["python3", "-c", digest], files=files)
    assert result.ok, result
    listed = {line.split()[0]: line.split()[1:] for line in result.stdout_text().splitlines()}
    assert set(listed) == set(files)
    for path, content in files.items():
        assert listed[path] == [hashlib.sha256(content).hexdigest(), "0o100644"]


def test_the_program_runs_in_work_as_the_learner(sandbox: Sandbox, runner_image: str) -> None:
    result = run(sandbox, runner_image, ["sh", "-c", "pwd; id -u; id -g; id -G; echo $HOME"])
    assert result.stdout == b"/work\n61000\n61000\n61000\n/tmp\n"


def test_scratch_folders_belong_to_their_uids(sandbox: Sandbox, runner_image: str) -> None:
    """/work is the learner's; /tmp is shared and sticky; /checks is the grader's alone."""
    owners = ("import os; print([(p, os.stat(p).st_uid, oct(os.stat(p).st_mode)) "
              "for p in ('/work', '/tmp', '/checks')])")
    result = run(sandbox, runner_image, ["python3", "-c", owners])
    assert result.stdout_text() == (
        "[('/work', 61000, '0o40755'), ('/tmp', 0, '0o41777'), ('/checks', 61001, '0o40700')]\n"
    )


def test_the_learners_files_are_theirs(sandbox: Sandbox, runner_image: str) -> None:
    listing = "import os; print(sorted((p, os.stat(p).st_uid) for p in ('a.txt', 'sub', 'sub/b.txt')))"
    result = run(sandbox, runner_image, ["python3", "-c", listing], files={"a.txt": b"a", "sub/b.txt": b"b"})
    assert result.stdout == b"[('a.txt', 61000), ('sub', 61000), ('sub/b.txt', 61000)]\n"


def test_stdin_arrives_byte_for_byte(sandbox: Sandbox, runner_image: str) -> None:
    data = b"first line\n\x00\xff binary\n" + b"z" * 200_000  # under the 256 KiB output cap
    result = run(sandbox, runner_image, ["cat"], stdin=data)
    assert result.ok and result.stdout == data


def test_no_stdin_reads_as_empty(sandbox: Sandbox, runner_image: str) -> None:
    result = run(sandbox, runner_image, ["python3", "-c", "import sys; print(repr(sys.stdin.read()))"])
    assert result.stdout == b"''\n"


def test_env_arrives_and_nothing_of_the_host_leaks(sandbox: Sandbox, runner_image: str) -> None:
    env = {"GREETING": "hello world", "EMPTY": "", "UNICODE": "café"}
    dump = "import os, json; print(json.dumps(dict(os.environ)))"
    seen = json.loads(run(sandbox, runner_image, ["python3", "-c", dump], env=env).stdout)
    for name, value in env.items():
        assert seen[name] == value
    assert seen["PATH"] == "/usr/local/bin:/usr/bin:/bin"
    assert seen["HOME"] == "/tmp" and seen["LANG"] == "C.UTF-8"
    assert not {"DOCKER_HOST", "VIRTUAL_ENV", "PYTEST_CURRENT_TEST", "USER"} & set(seen)


@pytest.mark.parametrize("code", [0, 1, 3, 42, 255])
def test_exit_codes_come_back(sandbox: Sandbox, runner_image: str, code: int) -> None:
    result = run(sandbox, runner_image, ["sh", "-c", f"echo out; echo err >&2; exit {code}"])
    assert result.exit_code == code and result.ok is (code == 0)
    assert (result.stdout, result.stderr) == (b"out\n", b"err\n")
    assert not (result.timed_out or result.oom_killed or result.output_capped)


def test_a_missing_command_gives_127_and_a_readable_message(sandbox: Sandbox, runner_image: str) -> None:
    result = run(sandbox, runner_image, ["no-such-program", "--flag"])
    assert result.exit_code == 127
    assert result.stderr_text() == "sandbox: cannot run no-such-program: No such file or directory\n"


def test_a_signal_reports_128_plus_its_number(sandbox: Sandbox, runner_image: str) -> None:
    suicide = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    result = run(sandbox, runner_image, ["python3", "-c", suicide])
    assert result.exit_code == 128 + 15 and not result.oom_killed


def test_runs_in_parallel_threads_stay_apart(sandbox: Sandbox, runner_image: str) -> None:
    results: dict[int, RunResult] = {}

    def one(index: int) -> None:
        files = {"mine.txt": str(index).encode()}
        results[index] = run(sandbox, runner_image, ["cat", "mine.txt"], files=files)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {index: result.stdout for index, result in results.items()} == {i: b"%d" % i for i in range(4)}


def test_an_unsafe_file_path_is_refused_before_any_container_starts(
    sandbox: Sandbox, runner_image: str, own_containers: Callable[[], set[str]]
) -> None:
    before = own_containers()
    with pytest.raises(ValueError, match="not a safe relative file path"):
        run(sandbox, runner_image, ["true"], files={"../escape.py": b""})
    assert own_containers() == before


# -- when the sandbox cannot run anything ------------------------------------------------------


@pytest.fixture
def new_sandbox() -> Iterator[Callable[[SandboxSettings], Sandbox]]:
    """Sandboxes with settings of the test's own, closed with their engine connection afterwards."""
    made: list[Sandbox] = []

    def make(settings: SandboxSettings) -> Sandbox:
        made.append(Sandbox(settings))
        return made[-1]

    yield make
    for box in made:
        box.close()


def test_a_missing_image_is_reported_in_a_sentence(
    new_sandbox: Callable[[SandboxSettings], Sandbox], own_containers: Callable[[], set[str]]
) -> None:
    box = new_sandbox(SandboxSettings())
    before = own_containers()
    with pytest.raises(SandboxUnavailable) as caught:
        box.run(RunSpec("grader-runner:does-not-exist", ["true"], limits=LIMITS))
    assert str(caught.value) == (
        "The runner image grader-runner:does-not-exist is not on this machine. "
        "Build it with `grader images build`."
    )
    assert own_containers() == before


def test_an_engine_that_is_not_there_is_reported_in_a_sentence() -> None:
    expected = r"^The Docker engine is not reachable \(.+\)\. Start it .+ and try again\.$"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # docker-py leaks the socket of a failed connect
        with pytest.raises(SandboxUnavailable, match=expected):
            Sandbox(SandboxSettings(docker_url="unix:///nonexistent.sock", api_timeout_s=2))
        gc.collect()


def test_a_runtime_the_engine_does_not_know_is_reported_in_a_sentence(
    new_sandbox: Callable[[SandboxSettings], Sandbox],
    runner_image: str,
    own_containers: Callable[[], set[str]],
) -> None:
    settings = SandboxSettings()
    object.__setattr__(settings, "runtime", "kata-nowhere")  # settings refuse it; the engine must too
    box = new_sandbox(settings)
    before = own_containers()
    with pytest.raises(SandboxUnavailable, match=r"does not know the runtime 'kata-nowhere'\. Register it"):
        box.run(RunSpec(runner_image, ["true"], limits=LIMITS))
    assert own_containers() == before


HELPER = (
    "import os\n"
    "words = os.read(3, 100)\n"
    "os.write(4, b' '.join([words.upper(), str(os.getuid()).encode(), os.environ['HOME'].encode()]))\n"
    "os.write(2, b'to the log')\n"
)
USE_HELPER = (
    "import os\n"
    "pid, commands, replies, log = map(int, os.environ['SANDBOX_PRELAUNCH'].split(','))\n"
    "os.write(commands, b'hello')\n"
    "os.close(commands)\n"
    "words, uid, home = os.read(replies, 1000).decode().split()\n"
    "try:\n"
    "    os.kill(pid, 0)\n"
    "    reach = 'signalled'\n"
    "except PermissionError:\n"
    "    reach = 'unreachable'\n"
    "print(words, uid, home, os.getuid(), reach, os.read(log, 100).decode().replace(' ', '_'))\n"
)


def test_a_prelaunched_helper_serves_the_command(sandbox: Sandbox, runner_image: str) -> None:
    """The entry starts the helper, as a uid of its own, before it reads the run's stream, and hands its
    pipes on; a learner's program holding those pipes still cannot signal it."""
    result = run(
        sandbox, runner_image, ["python3", "-c", USE_HELPER],
        files={"learner.py": b"x = 1\n"}, prelaunch=("python3", "-c", HELPER),
    )
    assert result.exit_code == 0, result.stderr_text()
    words = ["HELLO", "61002", "/tmp/helper", "61000", "unreachable", "to_the_log"]
    assert result.stdout_text().split() == words


def test_without_a_helper_nothing_is_prelaunched(sandbox: Sandbox, runner_image: str) -> None:
    probe = "import os; print(os.environ.get('SANDBOX_PRELAUNCH'))"
    result = run(sandbox, runner_image, ["python3", "-c", probe])
    assert result.stdout_text().strip() == "None"

"""Running the learner's programs from an instructor's `script` check (Python, stdlib only).

A script check runs as the grader uid; the learner's programs must not run as that uid (they could
then write the verdict or stop the script). Ask the harness to run them, as the learner:

    import learner

    done = learner.run(["python3", "greet.py"], stdin="Ada\\n", timeout=5)
    done.exit_code, done.stdout, done.stderr, done.timed_out

The program starts in the learner's folder (/work, the script's own working folder too) with a clean
environment, and sees nothing of the script's. Its output is capped like any program's.
"""

import json
import os
import socket
from dataclasses import dataclass

_connection = None


@dataclass(frozen=True)
class Completed:
    exit_code: object  # int, or None when it was stopped
    stdout: str
    stderr: str
    timed_out: bool = False
    memory: bool = False
    output_capped: bool = False


class LearnerRunError(Exception):
    """The harness refused the request (a mistake in the script's call)."""


def _socket():
    global _connection
    if _connection is None:
        fd = os.environ.get("GRADER_LEARNER_FD")
        if fd is None:
            raise LearnerRunError("learner.run works only inside a script check of the grader")
        _connection = socket.socket(fileno=int(fd))
        _connection.setblocking(True)
    return _connection


def run(argv, stdin="", timeout=10):
    """Run the learner's program `argv` (a list of words) and wait for it to end.

    Args:
        stdin: text the program reads on its standard input.
        timeout: seconds it may take (the check's own time limit still applies).

    Returns:
        Completed(exit_code, stdout, stderr, timed_out, memory, output_capped).
    """
    connection = _socket()
    request = {"argv": [str(word) for word in argv], "stdin": stdin, "timeout": timeout}
    connection.sendall(json.dumps(request).encode() + b"\n")
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            raise LearnerRunError("the harness closed the connection")
        data += chunk
    answer = json.loads(data)
    if "error" in answer:
        raise LearnerRunError(answer["error"])
    return Completed(**answer)

"""The service a `script` step's instructor program (grader uid) uses to run the learner's programs
as the learner uid: one JSON line asks, one JSON line answers (see script/learner.py).

    ask:    {"argv": ["python3", "app.py"], "stdin": "text", "timeout": 5}
    answer: {"exit_code": 0, "stdout": "...", "stderr": "...", "timed_out": false,
             "memory": false, "output_capped": false}   or   {"error": "why"}

The learner's program never sees the script's descriptors (its verdict pipe, this socket): it is
started here, by the harness, with pipes of its own, in /work, with a clean environment.
"""

import json
import time

from children import Child, Running

REQUEST_CAP = 4 * 1024 * 1024
DEFAULT_TIMEOUT_S = 10.0


class LearnerRuns:
    def __init__(self, sock, deadline, output_cap, environment):
        self.sock = sock
        self.deadline = deadline
        self.output_cap = output_cap
        self.environment = environment
        self.pending = bytearray()
        sock.settimeout(5.0)  # a script that stops reading its answers must not hold the harness

    def on_readable(self, fd):
        """Serve what arrived; False once the script has closed its end (or broken the protocol)."""
        try:
            data = self.sock.recv(65536)
        except OSError:
            return False
        if not data:
            return False
        self.pending += data
        while b"\n" in self.pending:
            line, _, rest = bytes(self.pending).partition(b"\n")
            self.pending = bytearray(rest)
            if not self.answer(self.run(line)):
                return False
        if len(self.pending) > REQUEST_CAP:
            self.answer({"error": f"a request over {REQUEST_CAP} bytes"})
            return False
        return True

    def answer(self, reply):
        try:
            self.sock.sendall(json.dumps(reply).encode() + b"\n")
        except OSError:
            return False
        return True

    def run(self, line):
        try:
            request = json.loads(line)
            argv, stdin = request["argv"], request.get("stdin", "")
            timeout = request.get("timeout", DEFAULT_TIMEOUT_S)
            if not (isinstance(argv, list) and argv and all(isinstance(word, str) for word in argv)):
                raise ValueError("argv must be a non-empty list of strings")
            if not isinstance(stdin, str) or not isinstance(timeout, (int, float)) or timeout <= 0:
                raise ValueError("stdin must be text and timeout a positive number of seconds")
        except (ValueError, KeyError, TypeError) as error:
            return {"error": f"not a request: {error}"}
        deadline = min(self.deadline, time.monotonic() + float(timeout))
        running = Running(Child(argv, self.environment(), stdin=stdin.encode("utf-8")))
        outcome = running.collect(deadline, self.output_cap)
        running.kill()  # what it left running in its process group goes with it
        return {
            "exit_code": outcome["exit_code"],
            "stdout": outcome["stdout"],
            "stderr": outcome["stderr"],
            "timed_out": outcome["status"] == "timeout",
            "memory": outcome["status"] == "memory",
            "output_capped": outcome["status"] == "output",
        }

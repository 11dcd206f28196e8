"""The client of a `calls` step: runs as the grader uid, beside the learner's server, and asks it to
call the learner's functions, one row of the instructor's table after another.

The learner's server is the one the tests use (learner_server.py for Python, learner_node.js for
JavaScript), on the other end of the socket on fd 4; this program speaks its protocol. It gets the calls
on stdin, already parsed and encoded on the host: a function's path and plain values, never code. It
writes what came back on fd 3, one JSON line per event, as the server sent it (values by value, in the
bridge's own encoding); the host decodes, checks and compares them with the expected values, which
never enter the sandbox. Nothing here compares or decides anything.

Events: {"event": "loaded"}, {"event": "load-failed", "error", "out"}, {"event": "result", "index",
"value", "repr", "out", "back"}, {"event": "raised", "index", "error", "out"}, {"event": "no-function",
"index", "name", "missing", "found"}, {"event": "too-large", "index", "bytes"}, {"event": "ended",
"index", "how", "detail"}, {"event": "done"}.
"""

import json
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # -I leaves the script's folder out
from grader_bridge import wire  # noqa: E402

BRIDGE_FD = 4
REPORT_FD = 3
VALUE_CAP = 256 * 1024
"""An answer larger than this (encoded) is reported by its size only: the host need not read it."""
TEXT_CAP = 4000
PY_ANSWER_KEYS = frozenset({"re", "ok", "raise", "out", "err", "sync"})
NODE_ANSWER_KEYS = frozenset({"r", "ok", "err", "back"})


class Ended(Exception):
    """The learner's side cannot be asked any more: how ("closed", "exit", "crash", "unreadable")."""

    def __init__(self, how, detail=""):
        super().__init__(detail)
        self.how = how
        self.detail = str(detail)[:TEXT_CAP]


def report(event):
    data = (json.dumps(event, separators=(",", ":")) + "\n").encode("utf-8", "replace")
    view = memoryview(data)
    while view:
        view = view[os.write(REPORT_FD, view):]


def capped(text):
    return text[:TEXT_CAP] if isinstance(text, str) else ""


def size_of(value):
    return len(json.dumps(value, separators=(",", ":")))


class Connection:
    """One request, one answer, on the socket; anything else from the other side ends it."""

    def __init__(self, sock):
        self.sock = sock
        self.next = 1
        self.notice = None

    def send(self, message):
        try:
            wire.send(self.sock, message)
        except wire.Closed as error:
            raise Ended(self.how_it_ended(), error) from None
        except wire.WireError as error:
            raise Ended("unreadable", error) from None

    def receive(self):
        try:
            return wire.receive(self.sock)
        except wire.Closed as error:
            raise Ended(self.how_it_ended(), error) from None
        except wire.WireError as error:
            raise Ended("unreadable", error) from None

    def how_it_ended(self):
        return self.notice[0] if self.notice else "closed"


class PythonServer(Connection):
    """learner_server.py: {"req", "op", ...} -> {"re", "ok" | "raise", "out", "err"}."""

    def ask(self, op, **fields):
        number = self.next
        self.next += 1
        self.send({"req": number, "op": op, "args": fields.pop("args", []),
                   "kwargs": fields.pop("kwargs", []), **fields})
        answer = self.receive()
        if answer.get("re") != number or not answer.keys() <= PY_ANSWER_KEYS or ("ok" in answer) == (
                "raise" in answer):
            raise Ended("unreadable", "an answer that is not an answer to the question asked")
        return answer

    @staticmethod
    def handle(value):
        """The number of a handle the server sent, or None for a plain value."""
        inner = value.get("$h") if isinstance(value, dict) and len(value) == 1 else None
        number = inner.get("id") if isinstance(inner, dict) else None
        return number if type(number) is int else None

    def load(self, params):
        answer = self.ask("import", module=params["module"])
        out = capped(answer.get("out", "")) + capped(answer.get("err", ""))
        if "raise" in answer:
            return None, {"event": "load-failed", "error": answer["raise"], "out": out}
        module = self.handle(answer["ok"])
        if module is None:
            raise Ended("unreadable", "the module is not a module")
        return module, None

    def lookup(self, module, path):
        """(function handle, None) or (None, the event that says why there is none)."""
        target = module
        for name in path:
            answer = self.ask("getattr", obj=target, name=name)
            if "raise" in answer:
                return None, {"name": ".".join(path), "missing": True, "found": None}
            target = self.handle(answer["ok"])
            if target is None:
                return None, {"name": ".".join(path), "missing": False, "found": answer["ok"]}
        return target, None

    def call(self, function, call):
        answer = self.ask("call", obj=function, args=call["args"], kwargs=call["kwargs"])
        out = capped(answer.get("out", "")) + capped(answer.get("err", ""))
        if "raise" in answer:
            return {"event": "raised", "error": answer["raise"], "out": out}
        value = answer["ok"]
        shown = None
        handle = self.handle(value)
        if handle is not None:  # how it reads, for the message: asked now, before the next call
            text = self.ask("op", name="repr", obj=handle)
            shown = capped(text["ok"]) if isinstance(text.get("ok"), str) else None
        return {"event": "result", "value": value, "repr": shown, "out": out, "back": None}


class NodeServer(Connection):
    """learner_node.js: {"q", "op", ...} -> {"r", "ok" | "err", "back"?}; notices {"n": "exit"|"crash"}."""

    def ask(self, message):
        number = self.next
        self.next += 1
        self.send({**message, "q": number})
        while True:
            answer = self.receive()
            if "n" in answer and "r" not in answer and "q" not in answer:
                kind = answer.get("n")
                if kind == "exit":
                    self.notice = ("exit", f"process.exit({answer.get('code')})")
                elif kind == "crash":
                    self.notice = ("crash", json.dumps(answer.get("error"))[:TEXT_CAP])
                else:
                    raise Ended("unreadable", "an unknown notice")
                continue
            if answer.get("r") != number or not answer.keys() <= NODE_ANSWER_KEYS or (
                    ("ok" in answer) == ("err" in answer)):
                raise Ended("unreadable", "a message that is not an answer to the question asked")
            return answer

    @staticmethod
    def handle(value, kinds=("function", "object", "errorclass")):
        if isinstance(value, list) and len(value) >= 4 and value[0] == "h" and value[2] in kinds:
            return value[1] if type(value[1]) is int else None
        return None

    def load(self, params):
        answer = self.ask({"op": "require", "path": params["file"], "fresh": False})
        if "err" in answer:
            return None, {"event": "load-failed", "error": answer["err"], "out": ""}
        exported = answer["ok"]
        number = self.handle(exported)
        if number is None:
            return ("value", exported), None
        return (number, exported), None

    def lookup(self, module, path):
        number, exported = module
        name = ".".join(path)
        if number == "value":
            return None, {"name": name, "missing": True, "found": None}
        target = number
        for index, part in enumerate(path):
            answer = self.ask({"op": "get", "t": target, "k": part})
            value = answer.get("ok")
            if "err" in answer or value == ["u"]:
                # module.exports = double: `double(5)` calls the exported function itself
                if index == 0 and len(path) == 1 and exported[2] == "function" and exported[3] == part:
                    return target, None
                return None, {"name": name, "missing": True, "found": None}
            found = self.handle(value)
            if found is None:
                return None, {"name": name, "missing": False, "found": value}
            target = found
        return target, None

    def call(self, function, call):
        arguments = ["a", [["u"], *call["args"]]]
        answer = self.ask({"op": "call", "f": function, "a": arguments})
        back = answer.get("back")
        if "ok" in answer:
            value = answer["ok"]
            if isinstance(value, list) and len(value) == 2 and value[0] == "p" and type(value[1]) is int:
                settled = self.ask({"op": "await", "t": value[1]})  # an async function: its promise settles
                if "err" in settled:
                    return {"event": "raised", "error": settled["err"], "out": ""}
                value = settled["ok"]
            return {"event": "result", "value": value, "repr": None, "out": "",
                    "back": back if isinstance(back, list) else None}
        return {"event": "raised", "error": answer["err"], "out": ""}


def main():
    params = json.loads(sys.stdin.buffer.read())
    sock = socket.socket(fileno=BRIDGE_FD)
    sock.setblocking(True)
    server = (PythonServer if params["language"] == "python" else NodeServer)(sock)
    index = None
    try:
        module, failed = server.load(params)
        if failed is not None:
            report(failed)
            report({"event": "done"})
            return 0
        report({"event": "loaded"})
        functions = {}
        for index, call in enumerate(params["calls"]):
            key = tuple(call["path"])
            if key not in functions:
                functions[key] = server.lookup(module, call["path"])
            function, missing = functions[key]
            if function is None:
                report({"event": "no-function", "index": index, **missing})
                continue
            event = server.call(function, call)
            event["index"] = index
            for field in ("value", "error"):
                if field in event and size_of(event[field]) > VALUE_CAP:
                    event = {"event": "too-large", "index": index, "bytes": size_of(event[field])}
            if event.get("back") is not None and size_of(event["back"]) > VALUE_CAP:
                event["back"] = None
            report(event)
        index = None
    except Ended as ended:
        report({"event": "ended", "index": index, "how": ended.how, "detail": ended.detail})
    report({"event": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())

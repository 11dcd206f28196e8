"""The learner's side of the bridge: runs as the learner uid, in /work, with the learner's modules.

Started by the harness for one step with its end of the bridge on fd 3. It holds the real objects and
answers the test process's requests: import a module, get or set an attribute, call, apply an
operator, iterate. Everything here is the learner's to change (it is their process); the test process
trusts nothing it says beyond the shape of a message, so nothing here needs to be protected.
"""

import builtins
import contextlib
import io
import operator
import os
import socket
import sys
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # -I leaves the script's folder out
from grader_bridge import codec, wire  # noqa: E402

sys.path.remove(HERE)  # the learner's imports find theirs only

BRIDGE_FD = 3
WORK = "/work"
LEARNER_FILES = [f for f in os.environ.pop("GRADER_LEARNER_FILES", "").split("\n") if f]
OUTPUT_CAP = 1024 * 1024
TRACEBACK_CAP = 8000
VALUE_BASES = (bool, int, float, complex, str, bytes, bytearray, list, tuple, dict, set, frozenset)


def where(error):
    """The deepest frame of the error's traceback in one of the learner's files."""
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith(WORK + "/"):
            relative = frame.filename[len(WORK) + 1:]
            if relative in LEARNER_FILES:
                found = {"file": relative, "line": frame.lineno}
    if found is None and isinstance(error, SyntaxError) and error.filename:
        relative = str(error.filename).removeprefix(WORK + "/")
        if relative in LEARNER_FILES and isinstance(error.lineno, int):
            found = {"file": relative, "line": error.lineno}
    return found


class Capped(io.StringIO):
    def write(self, text):
        room = OUTPUT_CAP - self.tell()
        return super().write(text[: max(room, 0)]) if room > 0 else len(text)


class Server:
    def __init__(self, sock):
        self.sock = sock
        self.objects = {}
        self.numbers = {}
        self.next_request = 1

    # -- handles ----------------------------------------------------------------------------------

    def number(self, value):
        key = id(value)
        if key not in self.numbers:
            self.numbers[key] = len(self.objects) + 1
            self.objects[self.numbers[key]] = value
        return self.numbers[key]

    def class_ref(self, cls):
        """How the test process can name an exception class: a builtin, a class of the standard
        library, or one of the learner's (with its bases, down to a builtin)."""
        if getattr(builtins, cls.__name__, None) is cls:
            return {"builtin": cls.__name__}
        module = getattr(cls, "__module__", "") or ""
        fallback = next((base.__name__ for base in cls.__mro__ if base.__module__ == "builtins"), "Exception")
        if module.split(".")[0] in sys.stdlib_module_names:
            return {"stdlib": [module, cls.__qualname__], "fallback": fallback}
        bases = [self.class_ref(base) for base in cls.__bases__ if issubclass(base, BaseException)]
        return {"id": self.number(cls), "name": cls.__name__, "module": module, "bases": bases}

    def handle_of(self, value):
        if isinstance(value, type) and issubclass(value, BaseException):
            return {"$e": self.class_ref(value)}
        if isinstance(value, types.ModuleType):
            kind = "module"
        elif isinstance(value, type):
            kind = "class"
        elif callable(value):
            kind = "function"
        else:
            kind = "object"
        base = next((b.__name__ for b in VALUE_BASES if isinstance(value, b)), None)
        name = getattr(value, "__name__", None) if kind != "object" else None
        return {"$h": {"id": self.number(value), "kind": kind, "type": type(value).__name__,
                       "name": name if isinstance(name, str) else None, "base": base}}

    def encode(self, value):
        return codec.encode(value, self.handle_of)

    def decode(self, node):
        def handle(tag, payload):
            if tag == "$h":
                return self.objects[payload]
            if tag == "$c":
                return Callback(self, payload)
            if tag == "$p":
                import pathlib

                return pathlib.Path(payload)
            raise codec.CodecError(f"unknown handle {tag}")

        return codec.decode(node, handle)

    # -- messages ---------------------------------------------------------------------------------

    def serve(self):
        while True:
            try:
                message = wire.receive(self.sock)
            except wire.Closed:
                return
            if "req" in message:
                self.answer(message)

    def wait_for(self, number):
        """Serve requests until the answer to our own request `number` comes."""
        while True:
            message = wire.receive(self.sock)
            if message.get("re") == number:
                return message
            if "req" in message:
                self.answer(message)

    def answer(self, message):
        reply = {"re": message["req"]}
        out, err = Capped(), Capped()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                args = [self.decode(arg) for arg in message.get("args", [])]
                kwargs = {name: self.decode(value) for name, value in message.get("kwargs", [])}
                before = {i: self.encode(a) for i, a in enumerate(args) if type(a) in (list, dict, set)}
                result = self.perform(message, args, kwargs)
                reply["ok"] = self.encode(result)
                after = {i: self.encode(args[i]) for i in before}
                synced = [[i, value] for i, value in after.items() if value != before[i]]
                if synced:
                    reply["sync"] = synced
            except BaseException as error:  # noqa: B036  (the learner's SystemExit is an answer too)
                reply.pop("ok", None)
                reply["raise"] = self.describe(error)
        reply["out"], reply["err"] = out.getvalue(), err.getvalue()
        try:
            wire.send(self.sock, reply)
        except wire.WireError as error:
            wire.send(self.sock, {"re": message["req"], "raise": self.describe(ValueError(str(error)))})

    def describe(self, error):
        try:
            args = self.encode(error.args)["$t"]
        except Exception:
            args = [repr(arg)[:1000] for arg in error.args]
        try:
            text = str(error)
        except Exception:
            text = ""
        shown = "".join(traceback.format_exception(error))
        filename = getattr(error, "filename", None) if isinstance(error, OSError) else None
        return {
            "class": self.class_ref(type(error)),
            "args": args,
            "filename": filename if isinstance(filename, str) else None,
            "str": text if type(text) is str else "",
            "object": self.handle_of(error)["$h"],
            "where": where(error),
            "traceback": shown[-TRACEBACK_CAP:],
        }

    def perform(self, message, args, kwargs):
        op = message.get("op")
        if op == "import":
            import importlib

            return importlib.import_module(message["module"])
        target = self.objects[message["obj"]] if "obj" in message else None
        if op == "getattr":
            name = message["name"]
            if name == "__all__" and isinstance(target, types.ModuleType) and not hasattr(target, "__all__"):
                return [key for key in vars(target) if not key.startswith("_")]
            return getattr(target, name)
        if op == "setattr":
            return setattr(target, message["name"], args[0])
        if op == "delattr":
            return delattr(target, message["name"])
        if op == "call":
            return target(*args, **kwargs)
        if op == "op":
            return OPERATIONS[message["name"]](target, *args)
        raise ValueError(f"unknown request {op!r}")


def _exact(kind):
    def convert(value):
        result = kind(value)
        return result if type(result) is kind else kind.__new__(kind, result)

    return convert


def _text(function):
    def convert(*values):
        text = function(*values)
        return str.__str__(text) if isinstance(text, str) else text

    return convert


OPERATIONS = {
    "len": len, "bool": bool, "hash": hash, "iter": iter, "next": next,
    "str": _text(str), "repr": _text(repr), "format": _text(format),
    "int": _exact(int), "float": _exact(float),
    "contains": lambda container, item: item in container,
    "getitem": operator.getitem, "setitem": operator.setitem, "delitem": operator.delitem,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge,
    "neg": operator.neg, "pos": operator.pos, "abs": abs, "invert": operator.invert,
    "enter": lambda target: type(target).__enter__(target),
    "exit": lambda target: type(target).__exit__(target, None, None, None),
    "instancecheck": lambda cls, value: isinstance(value, cls),
    "subclasscheck": lambda cls, value: issubclass(value, cls),
    "dir": lambda target: sorted(name for name in dir(target) if isinstance(name, str)),
    **{name: getattr(operator, name) for name in (
        "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_", "or_", "xor",
        "lshift", "rshift")},
}


class Callback:
    """A function of the tests' passed to the learner's code: calling it asks the test process."""

    def __init__(self, server, number):
        self.server = server
        self.number = number

    def __call__(self, *args, **kwargs):
        server = self.server
        request = server.next_request
        server.next_request += 1
        wire.send(server.sock, {"req": request, "op": "callback", "cb": self.number,
                                "args": [server.encode(a) for a in args],
                                "kwargs": [[k, server.encode(v)] for k, v in kwargs.items()]})
        reply = server.wait_for(request)
        if "ok" in reply:
            return server.decode(reply["ok"])
        raise RuntimeError(str(reply.get("raise", "the test's function failed"))[:2000])


def main():
    os.chdir(WORK)
    sys.path.insert(0, WORK)
    sock = socket.socket(fileno=BRIDGE_FD)
    sys.argv = [""]
    Server(sock).serve()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()

"""The tests' side of the bridge: proxies of the learner's modules, objects, classes and exceptions.

Runs in the test process (grader uid). The learner's server (learner uid) holds the real objects and
answers every request; this side trusts nothing in an answer but its shape. The rules that keep a
verdict out of the learner's hands:

- values come back by value, as exact built-in types; anything else is a proxy;
- a proxy is never equal to a plain value, and is never ordered or combined with one: only with
  other proxies (then it is the learner's own objects that answer, as they would without a bridge);
- every answer that must be of a type (len, bool, hash, str, repr, comparisons) is checked to be
  exactly that type;
- the learner's exceptions are raised here as classes of the same name and base (builtins as
  themselves), never as anything that would make the test framework skip or stop a test;
- anything malformed fails the test that asked, with a plain message, and ends the bridge.
"""

import builtins
import importlib
import importlib.abc
import importlib.util
import pathlib
import socket
import sys
import types
import unittest

from grader_bridge import codec, wire

REPR_CAP = 2000
TEXT_CAP = 1024 * 1024
ANSWERED_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__", "__dict__", "__all__", "__annotations__",
                              "__version__", "__wrapped__"})
"""Attributes with double underscores that are asked of the learner's objects; every other one is
answered here (not there), so that the test framework's own probing never reaches learner code."""
REPLY_KEYS = frozenset({"re", "ok", "raise", "out", "err", "sync"})
UNSAFE_BUILTINS = {"KeyboardInterrupt"}


class YourProgramEnded(Exception):
    """The learner's process ended while a test was using it (exit(), os._exit(), a signal)."""


class UnreadableAnswer(Exception):
    """The learner's process answered something that is not an answer."""


class SafeKeyboardInterrupt(Exception):
    """What a learner's KeyboardInterrupt becomes: a failure of the test, never the end of the run."""


for _error in (YourProgramEnded, UnreadableAnswer, SafeKeyboardInterrupt):
    _error.__module__ = "builtins"  # shown as "YourProgramEnded: ...", like a builtin
SafeKeyboardInterrupt.__name__ = SafeKeyboardInterrupt.__qualname__ = "KeyboardInterrupt"
import_failures = []
"""(module, how, traceback) for every learner module that could not be imported: the reporter tells
the host, which explains it to the learner."""


class Bridge:
    """The test process's end of the socket; one per process."""

    def __init__(self, sock):
        self.sock = sock
        self.next_request = 1
        self.ended = None
        self.proxies = {}
        self.exception_classes = {}
        self.callbacks = {}

    # -- requests -----------------------------------------------------------------------------------

    def request(self, op, *, args=(), kwargs=None, **fields):
        if self.ended is not None:
            kind, text = self.ended
            raise kind(text)
        number = self.next_request
        self.next_request += 1
        message = {"req": number, "op": op, **fields}
        sent_args = list(args)
        message["args"] = [self.encode(arg) for arg in sent_args]
        message["kwargs"] = [[name, self.encode(value)] for name, value in (kwargs or {}).items()]
        self._send(message)
        while True:
            answer = self._receive()
            if "re" in answer:
                if answer["re"] != number:
                    self._end(UnreadableAnswer, "an answer to a question that was not asked")
                return self._settle(answer, sent_args)
            if answer.get("op") == "callback" and type(answer.get("req")) is int:
                self._serve_callback(answer)
                continue
            self._end(UnreadableAnswer, "a message that is neither an answer nor a call of a test's function")

    def _send(self, message):
        try:
            wire.send(self.sock, message)
        except wire.Closed:
            self._end(YourProgramEnded, ENDED)
        except wire.WireError as error:
            raise UnreadableAnswer(f"the test passed your code a value that is too large: {error}") from None

    def _receive(self):
        try:
            return wire.receive(self.sock)
        except wire.Closed:
            self._end(YourProgramEnded, ENDED)
        except wire.WireError as error:
            self._end(UnreadableAnswer, f"{UNREADABLE}: {error}")

    def _end(self, kind, text):
        """Nothing more can be asked: every later request fails at once, the same way."""
        self.ended = (kind, text if kind is YourProgramEnded else f"{UNREADABLE} (in an earlier test).")
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise kind(text)

    def _settle(self, answer, sent_args):
        if not answer.keys() <= REPLY_KEYS or ("ok" in answer) == ("raise" in answer):
            self._end(UnreadableAnswer, f"{UNREADABLE}: not an answer")
        for key, stream in (("out", sys.stdout), ("err", sys.stderr)):
            text = answer.get(key, "")
            if type(text) is not str:
                self._end(UnreadableAnswer, f"{UNREADABLE}: its printed output is not text")
            if text:
                stream.write(text[:TEXT_CAP])
        try:
            self._sync(answer.get("sync", []), sent_args)
            if "ok" in answer:
                return self.decode(answer["ok"])
            error = self.exception(answer["raise"])
        except codec.CodecError as problem:
            self._end(UnreadableAnswer, f"{UNREADABLE}: {problem}")
        raise error

    def _sync(self, synced, sent_args):
        """Copy the new state of the lists, dicts and sets the learner's code changed back into the
        tests' own objects, in place, as if the function had changed them here."""
        if type(synced) is not list:
            raise codec.CodecError("a changed argument list that is not a list")
        for entry in synced:
            if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not int:
                raise codec.CodecError("a changed argument that is not [index, value]")
            index, value = entry
            if not 0 <= index < len(sent_args) or type(sent_args[index]) not in (list, dict, set):
                raise codec.CodecError("a changed argument that was not passed")
            update_in_place(sent_args[index], self.decode(value))

    def _serve_callback(self, call):
        number = call["req"]
        try:
            function = self.callbacks[call.get("cb")]
            args = self.decode(call.get("args", []))
            kwargs = dict(self.decode({"$d": call.get("kwargs", [])}))
            if type(args) is not list or not all(type(key) is str for key in kwargs):
                raise codec.CodecError("a call with arguments that are not a list and names")
            result = function(*args, **kwargs)
            reply = {"re": number, "ok": self.encode(result)}
        except (KeyError, TypeError, codec.CodecError) as problem:
            reply = {"re": number, "raise": f"{type(problem).__name__}: {problem}"[:2000]}
        except YourProgramEnded:
            raise
        except Exception as problem:  # the test's own function failed: the learner's code hears of it
            reply = {"re": number, "raise": f"{type(problem).__name__}: {problem}"[:2000]}
        self._send(reply)

    # -- values -------------------------------------------------------------------------------------

    def encode(self, value):
        return codec.encode(value, self._handle_of)

    def _handle_of(self, value):
        if isinstance(value, BaseException):  # a learner's error caught by a test: its object there
            value = value.__dict__.get("__grader_object__", value)
        if isinstance(value, LearnerObject):
            return {"$h": object.__getattribute__(value, "_handle")}
        if isinstance(value, type) and type(value.__dict__.get("__grader_handle__")) is int:
            return {"$h": value.__dict__["__grader_handle__"]}
        if isinstance(value, pathlib.PurePath):
            return {"$p": str(value)}
        if callable(value):
            number = len(self.callbacks) + 1
            self.callbacks[number] = value
            return {"$c": number}
        raise TypeError(f"a {type(value).__name__} cannot be passed to the learner's code")

    def decode(self, node):
        return codec.decode(node, self._rebuild)

    def _rebuild(self, tag, payload):
        if tag == "$h":
            return self.proxy(payload)
        if tag == "$e":
            return self.exception_class(payload)
        raise codec.CodecError(f"{tag} does not come from the learner's side")

    def proxy(self, description):
        if type(description) is not dict or type(description.get("id")) is not int:
            raise codec.CodecError("a handle without a number")
        number = description["id"]
        if number not in self.proxies:
            kind = description.get("kind")
            cls = LearnerClass if kind == "class" else LearnerObject
            shown = {key: description.get(key) for key in ("kind", "type", "name", "base")}
            if not all(value is None or type(value) is str for value in shown.values()):
                raise codec.CodecError("a handle with a description that is not text")
            self.proxies[number] = cls(self, number, shown)
        return self.proxies[number]

    def exception_class(self, ref, depth=0):
        """The class here that stands for an exception class there."""
        if type(ref) is not dict or depth > codec.MAX_DEPTH:
            raise codec.CodecError("an exception class that is not described")
        if "builtin" in ref:
            found = getattr(builtins, str(ref["builtin"]), None)
            if ref["builtin"] in UNSAFE_BUILTINS:
                return SafeKeyboardInterrupt
            if isinstance(found, type) and issubclass(found, BaseException):
                return found
            raise codec.CodecError("an exception class that is not a builtin")
        if "stdlib" in ref:
            return self._stdlib_class(ref)
        number = ref.get("id")
        if type(number) is not int or type(ref.get("name")) is not str or type(ref.get("module")) is not str:
            raise codec.CodecError("an exception class without a number, a name or a module")
        if number not in self.exception_classes:
            bases = ref.get("bases")
            if type(bases) is not list:
                raise codec.CodecError("an exception class without bases")
            found = (self.exception_class(base, depth + 1) for base in bases)
            mapped = tuple(dict.fromkeys(found)) or (Exception,)
            self.exception_classes[number] = learner_exception_class(self, number, ref["name"], ref["module"],
                                                                     mapped)
        return self.exception_classes[number]

    def _stdlib_class(self, ref):
        """A standard library class, when its module is already loaded here and it is harmless: never
        one the test framework treats specially (a skip, an interruption)."""
        place, fallback = ref.get("stdlib"), ref.get("fallback")
        if type(place) is list and len(place) == 2 and all(type(part) is str for part in place):
            module = sys.modules.get(place[0])
            found = module
            for part in place[1].split("."):
                found = getattr(found, part, None)
            if (module is not None and isinstance(found, type) and issubclass(found, BaseException)
                    and not issubclass(found, (unittest.SkipTest, KeyboardInterrupt, SystemExit))):
                return found
        return self.exception_class({"builtin": fallback if type(fallback) is str else "Exception"})

    def exception(self, description):
        """The exception to raise here for one raised there."""
        if type(description) is not dict:
            raise codec.CodecError("an error that is not described")
        cls = self.exception_class(description.get("class"))
        args = description.get("args")
        text = description.get("str")
        if type(args) is not list or type(text) is not str:
            raise codec.CodecError("an error without arguments or text")
        args = tuple(self.decode(args))
        if getattr(cls, "__grader_handle__", None) is not None:
            error = cls.__new__(cls)
            error.args = args
            error.__grader_str__ = text[:TEXT_CAP]
            error.__grader_object__ = self.proxy(description.get("object"))
        else:
            filename = description.get("filename")
            if issubclass(cls, OSError) and len(args) == 2 and type(filename) is str:
                args = (*args, filename)  # OSError keeps a file name outside its args
            try:
                error = cls(*args)
            except Exception:
                error = cls.__new__(cls)
                error.args = args
        where = description.get("where")
        if type(where) is dict and type(where.get("file")) is str and type(where.get("line")) is int:
            error.__grader_where__ = {"file": where["file"], "line": where["line"]}
        else:
            error.__grader_where__ = None
        error.__grader_traceback__ = str(description.get("traceback", ""))[-8000:]
        return error

    # -- modules ------------------------------------------------------------------------------------

    def import_module(self, name):
        try:
            return self.request("import", module=name)
        except YourProgramEnded as error:
            import_failures.append((name, "ended", str(error)))
            raise ImportError(f"the learner's module {name} could not be imported: it ended") from None
        except UnreadableAnswer as error:
            import_failures.append((name, "unreadable", str(error)))
            raise ImportError(f"the learner's module {name} could not be imported") from None
        except BaseException as error:
            how = "exit" if isinstance(error, SystemExit) else "crash"
            import_failures.append((name, how, getattr(error, "__grader_traceback__", "")))
            raise ImportError(f"the learner's module {name} could not be imported") from None


ENDED = "Your code ended the program while the tests were using it (did it call exit() or os._exit()?)."
UNREADABLE = "Your code's program answered something the tests could not read"


def update_in_place(target, new):
    """Make `target` equal to `new` while keeping its identity (and that of what it holds, where
    the shape stayed the same)."""
    if type(target) is list and type(new) is list:
        for index in range(min(len(target), len(new))):
            old, fresh = target[index], new[index]
            if type(old) is type(fresh) and type(old) in (list, dict, set):
                update_in_place(old, fresh)
            else:
                target[index] = fresh
        del target[len(new):]
        target.extend(new[len(target):])
    elif type(target) is dict and type(new) is dict and list(target) == list(new):
        for key, fresh in new.items():
            old = target[key]
            if type(old) is type(fresh) and type(old) in (list, dict, set):
                update_in_place(old, fresh)
            else:
                target[key] = fresh
    elif type(target) is dict and type(new) is dict:
        target.clear()
        target.update(new)
    elif type(target) is set and type(new) is set:
        target.clear()
        target.update(new)
    else:
        raise codec.CodecError("a changed argument that changed its kind")


def learner_exception_class(bridge, number, name, module, bases):
    """A class here of the same name and bases as an exception class of the learner's. Its instances
    show the learner's message, and ask the learner's object for any other attribute."""

    def __str__(self):
        text = self.__dict__.get("__grader_str__")
        return text if text is not None else bases[0].__str__(self)

    def __getattr__(self, attribute):
        learner_object = self.__dict__.get("__grader_object__")
        if learner_object is None or attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(learner_object, attribute)

    namespace = {"__module__": module, "__test__": False, "__grader_handle__": number, "__str__": __str__,
                 "__getattr__": __getattr__}
    for chosen in (bases, bases[:1], (Exception,)):
        try:
            return type(name, chosen, namespace)
        except TypeError:  # bases whose layouts conflict here: the first one will do
            continue
    raise codec.CodecError("an exception class that cannot be made")


# -- proxies -------------------------------------------------------------------------------------


def _ask(proxy, op, *args):
    bridge = object.__getattribute__(proxy, "_bridge")
    return bridge.request("op", name=op, obj=object.__getattribute__(proxy, "_handle"), args=args)


def _exactly(kind, value, what):
    if type(value) is not kind:
        raise TypeError(f"{what} should give {kind.__name__}, not {type(value).__name__}")
    return value


def _is_proxy(value):
    return isinstance(value, LearnerObject)


def _binary(op, reflected=False):
    def method(self, other):
        if not _is_proxy(other):
            return NotImplemented  # never combined with a plain value: the learner would answer
        return _ask(other, op, self) if reflected else _ask(self, op, other)

    method.__name__ = f"__{'r' if reflected else ''}{op.rstrip('_')}__"
    return method


def _compare(op):
    def method(self, other):
        if not _is_proxy(other):
            return NotImplemented
        return _exactly(bool, _ask(self, op, other), f"comparing with {op}")

    method.__name__ = f"__{op}__"
    return method


class LearnerObject:
    """Anything of the learner's that is not plain data: a function, an instance, a generator, a
    module attribute. Every use is a request to the learner's process."""

    __slots__ = ("_bridge", "_handle", "_shown", "__weakref__")
    __test__ = False

    def __init__(self, bridge, handle, shown):
        object.__setattr__(self, "_bridge", bridge)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_shown", shown)

    def _request(self, op, **fields):
        return object.__getattribute__(self, "_bridge").request(
            op, obj=object.__getattribute__(self, "_handle"), **fields)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") and name not in ANSWERED_DUNDERS:
            raise AttributeError(name)
        return self._request("getattr", name=name)

    @property
    def __doc__(self):  # noqa: D105  (the learner's docstring, not this class's)
        return self._request("getattr", name="__doc__")

    def __setattr__(self, name, value):
        self._request("setattr", name=name, args=(value,))

    def __delattr__(self, name):
        self._request("delattr", name=name)

    def __call__(self, *args, **kwargs):
        return self._request("call", args=args, kwargs=kwargs)

    def __repr__(self):
        try:
            text = _exactly(str, _ask(self, "repr"), "repr()")[:REPR_CAP]
        except Exception:
            return f"<{self._shown.get('type') or 'object'} of the learner's>"
        base, kind = self._shown.get("base"), self._shown.get("type")
        return f"{kind}({text})" if base and kind != base else text

    def __str__(self):
        return _exactly(str, _ask(self, "str"), "str()")

    def __format__(self, spec):
        return _exactly(str, _ask(self, "format", spec), "format()")

    def __bool__(self):
        return _exactly(bool, _ask(self, "bool"), "bool()")

    def __len__(self):
        return _exactly(int, _ask(self, "len"), "len()")

    def __hash__(self):
        return _exactly(int, _ask(self, "hash"), "hash()")

    def __int__(self):
        return _exactly(int, _ask(self, "int"), "int()")

    def __float__(self):
        return _exactly(float, _ask(self, "float"), "float()")

    def __iter__(self):
        return _ask(self, "iter")

    def __next__(self):
        return _ask(self, "next")

    def __contains__(self, item):
        return _exactly(bool, _ask(self, "contains", item), "`in`")

    def __getitem__(self, key):
        return _ask(self, "getitem", key)

    def __setitem__(self, key, value):
        _ask(self, "setitem", key, value)

    def __delitem__(self, key):
        _ask(self, "delitem", key)

    def __enter__(self):
        return _ask(self, "enter")

    def __exit__(self, *exc):
        _ask(self, "exit")
        return False

    def __eq__(self, other):
        if not _is_proxy(other):
            return False  # a learner's object is never equal to the tests' plain value
        return _exactly(bool, _ask(self, "eq", other), "comparing with ==")

    def __ne__(self, other):
        if not _is_proxy(other):
            return True
        return _exactly(bool, _ask(self, "ne", other), "comparing with !=")

    __lt__, __le__, __gt__, __ge__ = (_compare(op) for op in ("lt", "le", "gt", "ge"))
    __neg__ = lambda self: _ask(self, "neg")  # noqa: E731
    __pos__ = lambda self: _ask(self, "pos")  # noqa: E731
    __abs__ = lambda self: _ask(self, "abs")  # noqa: E731
    __invert__ = lambda self: _ask(self, "invert")  # noqa: E731
    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("sub"), _binary("sub", True)
    __mul__, __rmul__ = _binary("mul"), _binary("mul", True)
    __truediv__, __rtruediv__ = _binary("truediv"), _binary("truediv", True)
    __floordiv__, __rfloordiv__ = _binary("floordiv"), _binary("floordiv", True)
    __mod__, __rmod__ = _binary("mod"), _binary("mod", True)
    __pow__, __rpow__ = _binary("pow"), _binary("pow", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __and__, __rand__ = _binary("and_"), _binary("and_", True)
    __or__, __ror__ = _binary("or_"), _binary("or_", True)
    __xor__, __rxor__ = _binary("xor"), _binary("xor", True)
    __lshift__, __rlshift__ = _binary("lshift"), _binary("lshift", True)
    __rshift__, __rrshift__ = _binary("rshift"), _binary("rshift", True)


class LearnerClass(LearnerObject):
    """A class of the learner's: calling it makes an instance there; isinstance and issubclass ask."""

    __slots__ = ()

    def __instancecheck__(self, value):
        return _exactly(bool, _ask(self, "instancecheck", value), "isinstance()")

    def __subclasscheck__(self, value):
        return _exactly(bool, _ask(self, "subclasscheck", value), "issubclass()")

    def __mro_entries__(self, bases):
        raise TypeError("a test cannot subclass a class of the learner's (it lives in another process)")


class LearnerModule(types.ModuleType):
    """A learner's module as the tests import it."""

    @property
    def __doc__(self):  # noqa: D105  (the learner's module docstring)
        return self.__getattr__("__doc__")

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") and name not in ANSWERED_DUNDERS:
            raise AttributeError(name)
        bridge, handle = self.__dict__["__grader_bridge__"], self.__dict__["__grader_module__"]
        return bridge.request("getattr", obj=object.__getattribute__(handle, "_handle"), name=name)

    def __setattr__(self, name, value):
        """A test that sets an attribute of the learner's module (monkeypatch) sets it there: a function
        of the test's becomes a call back into the test process."""
        handle = self.__dict__.get("__grader_module__")
        if handle is None or (name.startswith("__") and name.endswith("__")):
            super().__setattr__(name, value)
        else:
            handle._request("setattr", name=name, args=(value,))

    def __delattr__(self, name):
        handle = self.__dict__.get("__grader_module__")
        if handle is None or (name.startswith("__") and name.endswith("__")):
            super().__delattr__(name)
        else:
            handle._request("delattr", name=name)

    def __dir__(self):
        handle = self.__dict__.get("__grader_module__")
        return list(_ask(handle, "dir")) if handle is not None else []


class LearnerFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Put first on sys.meta_path: the learner's module names give proxies, never the files."""

    def __init__(self, bridge, modules):
        self.bridge = bridge
        self.modules = modules  # name -> is a package

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=self.modules[fullname])

    def create_module(self, spec):
        return LearnerModule(spec.name)

    def exec_module(self, module):
        handle = self.bridge.import_module(module.__name__)
        if not isinstance(handle, LearnerObject):
            raise ImportError(f"the learner's module {module.__name__} could not be imported")
        module.__dict__["__grader_bridge__"] = self.bridge
        module.__dict__["__grader_module__"] = handle


def module_names(learner_files):
    """The modules a learner's files make: `pkg/mod.py` gives `pkg.mod` and the package `pkg`."""
    names = {}
    for path in learner_files:
        if not path.endswith(".py"):
            continue
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
            if parts:
                names[".".join(parts)] = True
            continue
        if not all(part.isidentifier() for part in parts):
            continue
        for depth in range(1, len(parts)):
            names[".".join(parts[:depth])] = True
        names.setdefault(".".join(parts), False)
    return names


def install(fd, learner_files):
    """Connect to the learner's server on `fd` and make the learner's modules import as proxies."""
    bridge = Bridge(socket.socket(fileno=fd))
    sys.meta_path.insert(0, LearnerFinder(bridge, module_names(learner_files)))
    return bridge

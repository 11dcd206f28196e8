"""What a learner's function gave back, on the host: decoded strictly from the bridge's encoding,
compared with the value an instructor expects, and written out for a beginner.

The encodings come from the learner's side (through our client, which passes them on unread), so
decoding checks every node and refuses anything the bridge could not have made (`MalformedReport`).
A value that is not plain data (an object of the learner's, a function, a Map) becomes an `Opaque`,
which equals no expected value. Comparing follows what a beginner means by "the same": numbers by
value (10 is 10.0, floats within a tolerance), text exactly, true/false only as booleans, nothing
(None, null) only as nothing, a list as a list (a Python tuple too), a mapping with the same keys.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from grader.checks.calls_syntax import UNDEFINED, BigInt, Language
from grader.checks.reports import MalformedReport

MAX_DEPTH = 66
MAX_NODES = 200_000
SHOWN_CHARS = 300
ERROR_NAMES = frozenset({"Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError",
                         "URIError", "AggregateError"})
NODE_ERROR_FIELDS = frozenset({"cls", "name", "message", "stack", "props", "ref"})
NODE_NUMBERS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}


@dataclass(frozen=True)
class Opaque:
    """A value that is not plain data: described, never equal to an expected value."""

    description: str
    shown: str | None = None


@dataclass(frozen=True)
class LearnerError:
    """An error the learner's code raised or threw: its class's name, every name it is an instance
    of (its bases too), its message and where in the learner's files."""

    name: str
    names: frozenset[str]
    message: str
    file: str | None = None
    line: int | None = None
    detail: str = ""
    """A Python traceback or a JavaScript stack: to find the learner's line of a crash at load time."""

    def sentence(self) -> str:
        text = f"{self.name}: {self.message}" if self.message else self.name
        where = f" (in {self.file}, line {self.line})" if self.file and self.line else ""
        return f"{text}{where}"


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0

    def spend(self, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise MalformedReport(f"a value of more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise MalformedReport(f"a value nested more than {MAX_DEPTH} levels deep")


# ---- Python ------------------------------------------------------------------------------------


def decode_python(node: Any, shown: str | None = None) -> Any:
    """A value as learner_server.py encodes it (grader_bridge/codec.py); `shown`: its repr, for a handle.

    Raises:
        MalformedReport: anything the codec could not have made.
    """
    return _python(node, _Budget(), 0, shown)


def _python(node: Any, budget: _Budget, depth: int, shown: str | None) -> Any:
    budget.spend(depth)
    if node is None or type(node) in (bool, int, float, str):
        return node
    if type(node) is list:
        return [_python(item, budget, depth + 1, None) for item in node]
    if type(node) is not dict or len(node) != 1:
        raise MalformedReport("a value the bridge does not make")
    (tag, payload), = node.items()
    if tag == "$h":
        return _python_handle(payload, shown)
    if tag == "$e":
        return Opaque(f"the exception class {_class_name(payload)}")
    if tag == "$b":
        if type(payload) is not str:
            raise MalformedReport("bytes that are not base64 text")
        try:
            return base64.b64decode(payload.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise MalformedReport("bytes that are not base64 text") from None
    if type(payload) is not list:
        raise MalformedReport(f"{tag} without a list")
    if tag == "$d":
        pairs = []
        for pair in payload:
            if type(pair) is not list or len(pair) != 2:
                raise MalformedReport("a dict entry that is not a pair")
            key, value = (_python(part, budget, depth + 1, None) for part in pair)
            pairs.append((key, value))
        return _hashed(dict, pairs)
    items = [_python(item, budget, depth + 1, None) for item in payload]
    if tag == "$t":
        return tuple(items)
    if tag == "$s":
        return _hashed(set, items)
    if tag == "$f":
        return _hashed(frozenset, items)
    if tag == "$sl" and len(items) == 3:
        return Opaque("a slice")
    raise MalformedReport(f"an unknown kind of value {tag[:10]!r}")


def _hashed(kind: Callable[[Any], Any], items: Any) -> Any:
    try:
        return kind(items)
    except TypeError:
        raise MalformedReport("a set or dict holding something that cannot be hashed") from None


def _python_handle(payload: Any, shown: str | None) -> Opaque:
    if type(payload) is not dict or type(payload.get("id")) is not int:
        raise MalformedReport("a handle without a number")
    kind, type_name, name = payload.get("kind"), payload.get("type"), payload.get("name")
    if not isinstance(type_name, str) or kind not in ("module", "class", "function", "object"):
        raise MalformedReport("a handle of an unknown kind")
    label = name if isinstance(name, str) else type_name
    description = {"module": f"the module {label}", "class": f"the class {label}",
                   "function": f"the function {label}"}.get(str(kind), f"a {type_name[:80]} object")
    return Opaque(description, shown[:SHOWN_CHARS] if isinstance(shown, str) else None)


def _class_name(ref: Any) -> str:
    if isinstance(ref, dict):
        for key in ("builtin", "name"):
            if isinstance(ref.get(key), str):
                return str(ref[key])[:100]
        stdlib = ref.get("stdlib")
        if isinstance(stdlib, list) and len(stdlib) == 2 and isinstance(stdlib[1], str):
            return stdlib[1][:100]
    raise MalformedReport("an exception class without a name")


def python_error(raised: Any) -> LearnerError:
    """What learner_server.py says of an exception (`describe`).

    Raises:
        MalformedReport: it is not of that shape.
    """
    if type(raised) is not dict:
        raise MalformedReport("an error that is not described")
    text, where, traceback = raised.get("str"), raised.get("where"), raised.get("traceback")
    if not (isinstance(text, str) and isinstance(traceback, str) and (where is None or type(where) is dict)):
        raise MalformedReport("an error without its text")
    names = _python_names(raised.get("class"), 0)
    file = line = None
    if where is not None:
        file, line = where.get("file"), where.get("line")
        if not isinstance(file, str) or type(line) is not int:
            raise MalformedReport("an error's place that is not a file and a line")
    return LearnerError(names[0], frozenset(names), text[:2000], file, line, traceback[-8000:])


def _python_names(ref: Any, depth: int) -> list[str]:
    """The class's name first, then every name it derives from."""
    if depth > 20 or type(ref) is not dict:
        raise MalformedReport("an exception class that is not described")
    if isinstance(ref.get("builtin"), str):
        return _builtin_names(ref["builtin"])
    stdlib = ref.get("stdlib")
    if isinstance(stdlib, list) and len(stdlib) == 2 and all(isinstance(part, str) for part in stdlib):
        fallback = ref.get("fallback")
        roots = _builtin_names(fallback) if isinstance(fallback, str) else []
        return [stdlib[1].rsplit(".", 1)[-1], *roots]
    name, bases = ref.get("name"), ref.get("bases")
    if not isinstance(name, str) or not isinstance(bases, list):
        raise MalformedReport("an exception class that is not described")
    found = [name]
    for base in bases:
        found += _python_names(base, depth + 1)
    return found


def _builtin_names(name: str) -> list[str]:
    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return [klass.__name__ for klass in cls.__mro__ if klass is not object]
    return [name[:100]]


# ---- JavaScript --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thrown:
    """A JavaScript `throw` of something that is not an Error (`throw "oops"`)."""

    value: Any


class _NodeDecoder:
    """Decodes node_codec.js's encoding; `request` holds the containers of the call's arguments, which
    `["#", n]` names (a function that returns the array it was given)."""

    def __init__(self, request: list[Any]) -> None:
        self.request = request
        self.containers: list[Any] = []
        self.budget = _Budget()

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.budget.spend(depth)
        if node is None or type(node) in (bool, str):
            return node
        if type(node) in (int, float):
            return node
        if type(node) is not list or not node or type(node[0]) is not str:
            raise MalformedReport("something that is not a value")
        tag = node[0]
        if tag == "u":
            self._arity(node, 1)
            return UNDEFINED
        if tag == "n":
            self._arity(node, 2)
            if node[1] not in NODE_NUMBERS:
                raise MalformedReport("a bad number")
            return NODE_NUMBERS[node[1]]
        if tag == "i":
            self._arity(node, 2)
            if type(node[1]) is not str or not re.fullmatch(r"-?[0-9]{1,10000}", node[1]):
                raise MalformedReport("a bad bigint")
            return BigInt(int(node[1]))
        if tag in ("a", "o", "m", "s"):
            return self._container(node, depth)
        if tag in ("@", "#"):
            self._arity(node, 2)
            pool = self.containers if tag == "@" else self.request
            index = node[1]
            if type(index) is not int or not 0 <= index < len(pool):
                raise MalformedReport("a reference to nothing")
            return pool[index]
        if tag == "d":
            self._arity(node, 2)
            return Opaque("a Date")
        if tag == "x":
            self._arity(node, 3)
            if type(node[1]) is not str:
                raise MalformedReport("a bad regular expression")
            return Opaque("a regular expression", f"/{node[1][:200]}/")
        if tag in ("S", "k", "K"):
            self._arity(node, 2)
            return Opaque("a Symbol")
        if tag == "e":
            error = node_error(node, self)
            return Opaque(f"an error ({error.name})", error.sentence())
        if tag == "h":
            if len(node) not in (4, 5) or type(node[1]) is not int or type(node[3]) is not str:
                raise MalformedReport("a bad handle")
            kind, name = node[2], node[3][:100]
            if kind == "function":
                return Opaque(f"the function {name}" if name else "a function")
            if kind == "object":
                return Opaque(f"a {name} object" if name else "an object")
            if kind == "errorclass":
                return Opaque(f"the error class {name}")
            raise MalformedReport("a handle of an unknown kind")
        if tag == "p":
            self._arity(node, 2)
            return Opaque("a Promise")
        raise MalformedReport(f"an unknown kind of value {tag[:10]!r}")

    @staticmethod
    def _arity(node: list[Any], count: int) -> None:
        if len(node) != count:
            raise MalformedReport(f"a {node[0][:5]!r} value of the wrong shape")

    def _container(self, node: list[Any], depth: int) -> Any:
        tag = node[0]
        if len(node) not in (2, 3) or type(node[1]) is not list:
            raise MalformedReport("a container of the wrong shape")
        if len(node) == 3 and node[2] not in ("", "n", "f", "nf"):
            raise MalformedReport("a container with bad flags")
        if tag == "a":
            items: list[Any] = []
            self.containers.append(items)
            items.extend(self.decode(item, depth + 1) for item in node[1])
            return items
        if tag == "o":
            found: dict[str, Any] = {}
            self.containers.append(found)
            for pair in node[1]:
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                    raise MalformedReport("an entry of the wrong shape")
                found[pair[0]] = self.decode(pair[1], depth + 1)
            return found
        made = Opaque("a Map" if tag == "m" else "a Set", f"{'Map' if tag == 'm' else 'Set'}({len(node[1])})")
        self.containers.append(made)
        for item in node[1]:  # read to the end all the same: every part must be well made
            if tag == "m" and (type(item) is not list or len(item) != 2):
                raise MalformedReport("an entry of the wrong shape")
            self.decode(item, depth + 1)
        return made


def decode_javascript(node: Any, arguments: Any = None, back: Any = None) -> Any:
    """A value as learner_node.js encodes an answer (node_codec.js). `arguments`: our encoding of the
    call's arguments (`["a", [this, ...args]]`), whose containers `["#", n]` names; `back`: how the call
    left them, copied into them first, as node_peer.js does.

    Raises:
        MalformedReport: anything the codec could not have made.
    """
    request = _NodeDecoder([])
    if arguments is not None:
        request.decode(arguments)
    decoder = _NodeDecoder(request.containers)
    value = decoder.decode(node)
    if back is not None:
        if type(back) is not list or len(back) != len(request.containers):
            raise MalformedReport("a bad copy of the arguments")
        for container, fresh in zip(request.containers, back, strict=True):
            if fresh is None:
                continue
            if type(fresh) is not list or not fresh or fresh[0] not in ("a", "o", "m", "s"):
                raise MalformedReport("a bad copy of an argument")
            _copy_into(container, decoder.decode(fresh))
    return value


def _copy_into(target: Any, fresh: Any) -> None:
    if isinstance(target, list) and isinstance(fresh, list):
        target[:] = fresh
    elif isinstance(target, dict) and isinstance(fresh, dict):
        target.clear()
        target.update(fresh)


def node_error(node: Any, decoder: _NodeDecoder | None = None) -> LearnerError:
    """An `["e", {...}]` of node_codec.js as a LearnerError.

    Raises:
        MalformedReport: it is not of that shape.
    """
    if type(node) is not list or len(node) != 2 or node[0] != "e" or type(node[1]) is not dict:
        raise MalformedReport("a bad error")
    fields = node[1]
    if not set(fields) <= NODE_ERROR_FIELDS or type(fields.get("props")) is not list:
        raise MalformedReport("a bad error")
    name, message, stack = fields.get("name"), fields.get("message"), fields.get("stack")
    if not (isinstance(name, str) and isinstance(message, str) and isinstance(stack, str)):
        raise MalformedReport("a bad error")
    names = [name, *_node_class_names(fields.get("cls"), 0)]
    for pair in fields["props"]:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
            raise MalformedReport("a bad error property")
        if decoder is not None:
            decoder.decode(pair[1], 1)
    return LearnerError(str(name)[:100], frozenset(names), str(message)[:2000], detail=str(stack)[-8000:])


def _node_class_names(cls: Any, depth: int) -> list[str]:
    if isinstance(cls, str):
        if cls not in ERROR_NAMES:
            raise MalformedReport("an unknown error class")
        return [cls, "Error"]
    if depth > 20 or type(cls) is not list or len(cls) != 5 or cls[0] != "h" or cls[2] != "errorclass":
        raise MalformedReport("a bad error class")
    if type(cls[3]) is not str:
        raise MalformedReport("a bad error class")
    return [cls[3][:100], *_node_class_names(cls[4], depth + 1)]


# ---- comparing -----------------------------------------------------------------------------------


def matches(expected: Any, actual: Any, tolerance: float, depth: int = 0) -> bool:
    """Whether `actual` (decoded) is what `expected` (plain YAML data) says, as a beginner means it."""
    if depth > MAX_DEPTH:
        return False
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return type(actual) is bool and actual == expected
    if isinstance(expected, int | float):
        number = _number(actual)
        return number is not None and _same_number(expected, number, tolerance)
    if isinstance(expected, str):
        return type(actual) is str and actual == expected
    if isinstance(expected, list):
        return (isinstance(actual, list | tuple) and len(actual) == len(expected)
                and all(matches(e, a, tolerance, depth + 1) for e, a in zip(expected, actual, strict=True)))
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or len(actual) != len(expected):
            return False
        for key, value in expected.items():
            found = _key(actual, key)
            if found is _MISSING or not matches(value, actual[found], tolerance, depth + 1):
                return False
        return True
    return False


_MISSING = object()


def _key(actual: dict[Any, Any], key: str) -> Any:
    """The key of `actual` that the YAML key `key` (always text) names: the same text, or the number,
    true/false or null the text reads as (`1:` finds the key 1 of a Python dict)."""
    if key in actual:
        return key
    try:
        scalar = yaml.safe_load(key)
    except yaml.YAMLError:
        return _MISSING
    for candidate in actual:
        if not isinstance(candidate, str) and type(candidate) is type(scalar) and candidate == scalar:
            return candidate
    return _MISSING


def _number(value: Any) -> int | float | None:
    if isinstance(value, BigInt):
        return value.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def _same_number(expected: float, actual: float, tolerance: float) -> bool:
    if isinstance(expected, int) and isinstance(actual, int):
        return expected == actual
    try:
        first, second = float(expected), float(actual)
    except OverflowError:
        return False
    if math.isnan(first) or math.isnan(second):
        return math.isnan(first) and math.isnan(second)
    if math.isinf(first) or math.isinf(second):
        return first == second
    return abs(first - second) <= tolerance * max(1.0, abs(first), abs(second))


# ---- showing -----------------------------------------------------------------------------------


def shown(value: Any, language: Language) -> str:
    """`value` written as the learner's language writes it, at most SHOWN_CHARS characters."""
    text = _write(value, language, 0, [SHOWN_CHARS])
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _write(value: Any, language: Language, depth: int, budget: list[int]) -> str:
    """`budget` ([parts left]) bounds the work: a learner's array may hold itself many times over."""
    budget[0] -= 1
    if depth > 12 or budget[0] < 0:
        return "…"
    python = language == "python"
    if isinstance(value, Opaque):
        return value.shown or f"<{value.description}>"
    if value is None:
        return "None" if python else "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return ("True" if value else "False") if python else ("true" if value else "false")
    if isinstance(value, BigInt):
        return f"{value.value}n"
    if isinstance(value, float):
        return _write_float(value, python)
    if isinstance(value, int | bytes):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if python else _js_string(value)
    inner = depth + 1
    if isinstance(value, list):
        items = ", ".join(_write(item, language, inner, budget) for item in value[:50])
        return f"[{items}{_more(value)}]"
    if isinstance(value, tuple):
        items = ", ".join(_write(item, language, inner, budget) for item in value[:50])
        return f"({items},)" if len(value) == 1 else f"({items}{_more(value)})"
    if isinstance(value, set | frozenset):
        items = ", ".join(sorted(_write(item, language, inner, budget) for item in list(value)[:50]))
        if isinstance(value, frozenset):
            return f"frozenset({{{items}}})"
        return "{" + items + "}" if value else "set()"
    if isinstance(value, dict):
        pairs = [f"{_write_key(key, language, inner, budget)}: {_write(item, language, inner, budget)}"
                 for key, item in list(value.items())[:50]]
        return "{" + ", ".join(pairs) + _more(value) + "}"
    return repr(value)


def _more(items: Any) -> str:
    return ", …" if len(items) > 50 else ""


def _write_key(key: Any, language: Language, depth: int, budget: list[int]) -> str:
    if language == "javascript" and isinstance(key, str) and re.fullmatch(r"[A-Za-z_$][\w$]*", key):
        return key
    return _write(key, language, depth, budget)


def _write_float(value: float, python: bool) -> str:
    if math.isnan(value):
        return "nan" if python else "NaN"
    if math.isinf(value):
        sign = "-" if value < 0 else ""
        return f"{sign}inf" if python else f"{sign}Infinity"
    if not python and value.is_integer() and abs(value) < 1e21:
        return "-0" if value == 0 and math.copysign(1, value) < 0 else str(int(value))
    return repr(value)


def _js_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def kind_of(value: Any, language: Language) -> str:
    """What sort of value it is, in words: "a number", "text", ..."""
    python = language == "python"
    if isinstance(value, Opaque):
        return value.description
    if value is None:
        return "None" if python else "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "True or False" if python else "true or false"
    if isinstance(value, int | float | BigInt):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, tuple):
        return "a tuple"
    if isinstance(value, list):
        return "a list" if python else "an array"
    if isinstance(value, set | frozenset):
        return "a set"
    if isinstance(value, dict):
        return "a dict" if python else "an object"
    return f"a {type(value).__name__}"

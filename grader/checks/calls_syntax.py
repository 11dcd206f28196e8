"""Reading the `call:` of a row of a `calls` check, on the host: a function of the learner's and plain
values, never code. The result is what the sandbox receives, already encoded for the bridge of the
learner's language (grader/harness/grader_bridge/codec.py for Python, node_codec.js for JavaScript), so
nothing in the container parses what an instructor wrote.

    Python       double(5)   greet("Ann", excited=True)   total([1.5, 2])   Stack.size(())
    JavaScript   double(5)   greet("Ann", {loud: true})   total([1.5, 2])   shapes.area(2n)

Python arguments are literals as `ast.literal_eval` reads them (numbers, text, bytes, True, False, None,
lists, tuples, dicts, sets). JavaScript arguments are a safe subset of literals read by the parser below
(numbers with NaN, Infinity and bigints, text in any of the three quotes without `${`, true, false, null,
undefined, arrays, objects with plain keys). Nothing is evaluated.
"""

from __future__ import annotations

import ast
import base64
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["python", "javascript"]
MAX_CALL_CHARS = 4000
MAX_DEPTH = 32
MAX_INT_BITS = 4096
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class CallSyntaxError(ValueError):
    """The call is not one this check can send; the message says why in plain words."""


@dataclass(frozen=True)
class Call:
    """A call as the sandbox receives it: the function's path in the learner's module (`("double",)`,
    `("Stack", "size")`), and its arguments encoded for the learner's language."""

    path: tuple[str, ...]
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def to_params(self) -> dict[str, Any]:
        kwargs = [list(pair) for pair in self.kwargs]
        return {"path": list(self.path), "args": list(self.args), "kwargs": kwargs}


class Undefined:
    """JavaScript's `undefined`, on the host."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


@dataclass(frozen=True)
class BigInt:
    """A JavaScript bigint (`10n`), on the host."""

    value: int


def function_names(text: str) -> str | None:
    """The function a call names (`Stack.size`), read loosely for a title; None when it names none."""
    match = re.match(r"\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(", text)
    return re.sub(r"\s+", "", match.group(1)) if match else None


def parse_call(text: str, language: Language) -> Call:
    """Read `text` as a call of one of the learner's functions with plain values.

    Raises:
        CallSyntaxError: it is not such a call.
    """
    if len(text) > MAX_CALL_CHARS:
        raise CallSyntaxError(f"is longer than {MAX_CALL_CHARS} characters")
    if language == "python":
        return _python_call(text.strip())
    return _JavaScriptReader(text.strip()).call()


# ---- Python ------------------------------------------------------------------------------------


def _python_call(text: str) -> Call:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        where = f" (column {error.offset})" if error.offset else ""
        raise CallSyntaxError(f"is not a call Python can read: {error.msg}{where}") from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise CallSyntaxError(f"is not a call Python can read: {error}") from None
    node = tree.body
    if not isinstance(node, ast.Call):
        raise CallSyntaxError("should call one of the learner's functions with values, like double(5)")
    path = _python_path(node.func, text)
    args: list[Any] = []
    for number, arg in enumerate(node.args, start=1):
        if isinstance(arg, ast.Starred):
            raise CallSyntaxError(f"argument {number}: write each value, not *{_source(text, arg.value)}")
        args.append(encode_python(_python_value(arg, text, f"argument {number}")))
    kwargs: list[tuple[str, Any]] = []
    for keyword in node.keywords:
        if keyword.arg is None:
            raise CallSyntaxError(f"write each named value, not **{_source(text, keyword.value)}")
        kwargs.append((keyword.arg, encode_python(_python_value(keyword.value, text, keyword.arg))))
    return Call(path, tuple(args), tuple(kwargs))


def _python_path(node: ast.expr, text: str) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        shown = _source(text, node)
        raise CallSyntaxError(f"should call a function by its name (like double(5)), not {shown}(...)")
    parts.append(node.id)
    return tuple(reversed(parts))


def _source(text: str, node: ast.AST) -> str:
    return (ast.get_source_segment(text, node) or "...")[:80]


def _python_value(node: ast.expr, text: str, what: str) -> Any:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise CallSyntaxError(
            f"{what}: only plain values can be given (numbers, text in quotes, True, False, None, lists, "
            f"tuples, dicts, sets), not {_source(text, node)}"
        ) from None
    problem = _python_plain(value, 0)
    if problem:
        raise CallSyntaxError(f"{what}: {problem}")
    return value


def _python_plain(value: Any, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"is nested more than {MAX_DEPTH} levels deep"
    if value is None or isinstance(value, bool | str | bytes | float):
        return None
    if isinstance(value, int):
        return None if value.bit_length() <= MAX_INT_BITS else "is too large a number"
    if isinstance(value, list | tuple | set | frozenset):
        return next((p for p in (_python_plain(item, depth + 1) for item in value) if p), None)
    if isinstance(value, dict):
        items = (_python_plain(part, depth + 1) for pair in value.items() for part in pair)
        return next((p for p in items if p), None)
    return f"a {type(value).__name__} cannot be sent to the learner's code"


def encode_python(value: Any) -> Any:
    """`value` (plain Python data) as the Python bridge's codec writes it."""
    if value is None or isinstance(value, bool | str | int | float):
        return value
    if isinstance(value, list):
        return [encode_python(item) for item in value]
    if isinstance(value, tuple):
        return {"$t": [encode_python(item) for item in value]}
    if isinstance(value, frozenset):
        return {"$f": [encode_python(item) for item in value]}
    if isinstance(value, set):
        return {"$s": [encode_python(item) for item in value]}
    if isinstance(value, dict):
        return {"$d": [[encode_python(key), encode_python(item)] for key, item in value.items()]}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    raise CallSyntaxError(f"a {type(value).__name__} cannot be sent to the learner's code")


# ---- JavaScript --------------------------------------------------------------------------------

_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_JS_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+n?|0[oO][0-7]+n?|0[bB][01]+n?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?n?"
)
_JS_WORDS: dict[str, Any] = {
    "true": True, "false": False, "null": None, "undefined": UNDEFINED, "NaN": math.nan,
    "Infinity": math.inf,
}


def encode_javascript(value: Any) -> Any:
    """`value` (JavaScript data on the host) as the Node.js bridge's codec writes it."""
    if value is None or isinstance(value, bool | str):
        return value
    if value is UNDEFINED:
        return ["u"]
    if isinstance(value, BigInt):
        return ["i", str(value.value)]
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            return ["n", "NaN"]
        if math.isinf(number):
            return ["n", "Infinity" if number > 0 else "-Infinity"]
        if number == 0 and math.copysign(1, number) < 0:
            return ["n", "-0"]
        return value
    if isinstance(value, list):
        return ["a", [encode_javascript(item) for item in value]]
    if isinstance(value, dict):
        return ["o", [[key, encode_javascript(item)] for key, item in value.items()]]
    raise CallSyntaxError(f"a {type(value).__name__} cannot be sent to the learner's code")


class _JavaScriptReader:
    """A reader of one call `name.path(value, ...)` whose values are JavaScript literals."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> CallSyntaxError:
        return CallSyntaxError(f"{message} (column {self.pos + 1})")

    def space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self, char: str) -> bool:
        if self.peek() == char:
            self.pos += 1
            return True
        return False

    def expect(self, char: str, what: str) -> None:
        if not self.take(char):
            found = self.peek()
            raise self.fail(f"expected {what}, found {found!r}" if found else f"expected {what}")

    def identifier(self) -> str:
        self.space()
        match = _IDENTIFIER.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected the name of a function, like double(5)")
        self.pos = match.end()
        return match.group(0)

    def call(self) -> Call:
        path = [self.identifier()]
        while self.take("."):
            path.append(self.identifier())
        self.expect("(", "( after the function's name")
        args = self.sequence(")", 0)
        self.take(";")
        if self.peek():
            raise self.fail("expected the end of the call")
        return Call(tuple(path), tuple(encode_javascript(arg) for arg in args))

    def sequence(self, closing: str, depth: int) -> list[Any]:
        items: list[Any] = []
        while not self.take(closing):
            items.append(self.value(depth))
            if not self.take(","):
                self.expect(closing, f"',' or '{closing}'")
                break
        return items

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"a value nested more than {MAX_DEPTH} levels deep")
        char = self.peek()
        if char == "[":
            self.pos += 1
            return self.sequence("]", depth + 1)
        if char == "{":
            self.pos += 1
            return self.object(depth + 1)
        if char in "\"'`":
            return self.string()
        if char in "+-":
            self.pos += 1
            number = self.value(depth + 1)
            if isinstance(number, bool) or not isinstance(number, int | float | BigInt):
                raise self.fail(f"{char} goes before a number")
            if char == "+":
                return number
            return BigInt(-number.value) if isinstance(number, BigInt) else -number
        if char.isdigit() or char == ".":
            return self.number()
        match = _IDENTIFIER.match(self.text, self.pos)
        if match is not None:
            word = match.group(0)
            if word in _JS_WORDS:
                self.pos = match.end()
                return _JS_WORDS[word]
            raise self.fail(f"{word} is a name: only values (numbers, text in quotes, true, false, null, "
                            "undefined, arrays, objects) can be given")
        raise self.fail(f"expected a value, found {char!r}" if char else "expected a value")

    def number(self) -> Any:
        match = _JS_NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected a number")
        self.pos = match.end()
        if self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "_$"):
            raise self.fail("a number is followed by letters")
        literal = match.group(0)
        if literal.endswith("n"):
            digits = literal[:-1]
            if "." in digits or ("e" in digits.lower() and not digits.lower().startswith("0x")):
                raise self.fail("a bigint is a whole number")
            value = int(digits, 0)
            if value.bit_length() > MAX_INT_BITS:
                raise self.fail("too large a number")
            return BigInt(value)
        if literal[:2].lower() in ("0x", "0o", "0b"):
            return int(literal, 0)
        if re.fullmatch(r"\d+", literal):
            if len(literal) > 1 and literal.startswith("0"):
                raise self.fail("a number may not start with 0 (old octal numbers are not allowed)")
            return int(literal) if len(literal) <= 300 else float(literal)
        return float(literal)

    def string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        while True:
            if self.pos >= len(self.text):
                raise self.fail(f"the text has no closing {quote}")
            char = self.text[self.pos]
            self.pos += 1
            if char == quote:
                return "".join(out)
            if char == "\\":
                out.append(self.escape())
            elif char == "\n" and quote != "`":
                raise self.fail("a line break inside text in quotes")
            elif quote == "`" and char == "$" and self.text[self.pos:self.pos + 1] == "{":
                raise self.fail("${...} inside `...` is code: write the text itself")
            else:
                out.append(char)

    def escape(self) -> str:
        if self.pos >= len(self.text):
            raise self.fail("a \\ at the end of the text")
        char = self.text[self.pos]
        self.pos += 1
        if char in _JS_ESCAPES:
            return _JS_ESCAPES[char]
        if char == "x":
            return self.hex_char(2)
        if char == "u":
            if self.text[self.pos:self.pos + 1] == "{":
                end = self.text.find("}", self.pos)
                digits = self.text[self.pos + 1:end] if end > 0 else ""
                if not re.fullmatch(r"[0-9a-fA-F]{1,6}", digits) or int(digits, 16) > 0x10FFFF:
                    raise self.fail("a \\u{...} escape needs up to six hexadecimal digits")
                self.pos = end + 1
                return chr(int(digits, 16))
            return self.hex_char(4)
        if char == "\n":
            return ""
        return char

    def hex_char(self, count: int) -> str:
        digits = self.text[self.pos:self.pos + count]
        if not re.fullmatch(rf"[0-9a-fA-F]{{{count}}}", digits):
            raise self.fail(f"the escape needs {count} hexadecimal digits")
        self.pos += count
        return chr(int(digits, 16))

    def object(self, depth: int) -> dict[str, Any]:
        found: dict[str, Any] = {}
        while not self.take("}"):
            char = self.peek()
            if char in "\"'":
                key = self.string()
            elif char.isdigit():
                key = str(self.number())
            else:
                key = self.identifier()
            self.expect(":", "':' after a key (shorthand and spread are code, not values)")
            found[key] = self.value(depth)
            if not self.take(","):
                self.expect("}", "',' or '}'")
                break
        return found


def python_module(path: str) -> str:
    """The module a learner's Python file imports as: `pkg/mod.py` -> `pkg.mod`."""
    return path.removesuffix(".py").replace("/", ".")


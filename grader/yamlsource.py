"""Safe YAML that remembers where every key and value was written, so mistakes can point at them.

The text is composed into nodes with PyYAML's SafeLoader (no arbitrary objects), then turned into plain
Python data while recording the 1-based (line, column) of every value and key by "location path", a tuple
such as `("checks", 1, "stdout")`. Duplicate keys and non-standard tags are reported, not silently
accepted. Size, node count and depth are capped so an alias bomb ("billion laughs") costs nothing.
Mapping keys are always kept as the text written (`yes:` is the key "yes", not True).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from grader.errors import ContentError, ExerciseInvalid, Location, dotted

Position = tuple[int, int]

MAX_BYTES = 256 * 1024
MAX_NODES = 10_000
MAX_DEPTH = 50

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


@dataclass(frozen=True)
class YamlDocument:
    """Plain data parsed from one YAML file, with the positions of its values and keys."""

    file: str
    data: Any
    values: Mapping[Location, Position]
    keys: Mapping[Location, Position]
    problems: tuple[ContentError, ...] = ()

    def position(self, loc: Location, *, key: bool = False) -> Position:
        """Where the value (or, with `key`, the key) at `loc` was written; else its nearest ancestor."""
        if key and loc in self.keys:
            return self.keys[loc]
        while loc and loc not in self.values:
            loc = loc[:-1]
        return self.values.get(loc, (1, 1))

    def error(
        self, loc: Location, message: str, *, at: Location | None = None, key: bool = False
    ) -> ContentError:
        """A mistake about `loc`, positioned at `at` (default: `loc` itself)."""
        line, col = self.position(loc if at is None else at, key=key)
        return ContentError(self.file, line, col, message, location=dotted(loc))

    def locate(self, prefix: Location, text: str) -> Location:
        """The first location under `prefix` whose value is `text` (or, failing that, contains it)."""
        strings = list(_strings(self.data, ()))
        for exact in (True, False):
            for loc, value in strings:
                if loc[: len(prefix)] == prefix and (value == text if exact else text in value):
                    return loc
        return prefix


def _strings(data: Any, loc: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))


def read_yaml(path: Path, file: str) -> YamlDocument:
    """Parse the YAML file at `path`, calling it `file` in messages. Raises ExerciseInvalid."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ExerciseInvalid([ContentError(file, 0, 0, "file not found")]) from None
    except OSError as exc:
        raise ExerciseInvalid([ContentError(file, 0, 0, f"cannot be read ({exc.strerror})")]) from None
    return parse_yaml(raw, file)


def parse_yaml(raw: bytes | str, file: str) -> YamlDocument:
    """Parse YAML text, calling it `file` in messages. Raises ExerciseInvalid for fatal mistakes."""
    if len(raw) > MAX_BYTES:
        raise ExerciseInvalid([ContentError(file, 0, 0, f"is larger than {MAX_BYTES // 1024} KiB")])
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ExerciseInvalid([ContentError(file, line, 1, "is not valid UTF-8 text")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = str(exc.problem)
        if problem.startswith("but ") and exc.context:
            problem = f"{exc.context} {problem}"
        raise ExerciseInvalid([ContentError(file, line, col, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ExerciseInvalid([ContentError(file, 0, 0, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ExerciseInvalid([ContentError(file, 0, 0, "is nested too deeply")]) from None
    builder = _Builder(file)
    data = None if root is None else builder.build(root, (), 0)
    return YamlDocument(file, data, builder.values, builder.keys, tuple(builder.problems))


class _Builder:
    """Turns composed nodes into plain data, recording positions and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.values: dict[Location, Position] = {}
        self.keys: dict[Location, Position] = {}
        self.problems: list[ContentError] = []
        self.nodes = 0
        self.constructor = SafeConstructor()

    def fail(self, node: Node, loc: Location | None, message: str) -> ContentError:
        line, col = _position(node)
        return ContentError(self.file, line, col, message, location="" if loc is None else dotted(loc))

    def build(self, node: Node, loc: Location, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            message = f"has more than {MAX_NODES} values (does an alias expand too much?)"
            raise ExerciseInvalid([self.fail(node, None, message)])
        if depth > MAX_DEPTH:
            raise ExerciseInvalid([self.fail(node, None, f"is nested more than {MAX_DEPTH} levels deep")])
        self.values.setdefault(loc, _position(node))
        if node.tag not in _ALLOWED_TAGS:
            tag = "!!" + node.tag[len(_STD) :] if node.tag.startswith(_STD) else node.tag
            self.problems.append(self.fail(node, loc, f"the YAML tag '{tag}' is not allowed here"))
        if isinstance(node, MappingNode):
            return self.mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, index), depth + 1) for index, item in enumerate(node.value)]
        return self.scalar(node, loc)

    def scalar(self, node: Node, loc: Location) -> Any:
        if node.tag not in _ALLOWED_TAGS or node.tag == _STD + "timestamp":
            return str(node.value)  # dates stay text: no field here wants a datetime
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError):
            kind = node.tag[len(_STD) :]
            self.problems.append(self.fail(node, loc, f"{node.value!r} is not a valid {kind}"))
            return str(node.value)

    def mapping(self, node: MappingNode, loc: Location, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(self.fail(key_node, loc, "keys must be plain text"))
                continue
            key = str(key_node.value)
            if key in result:
                first = self.keys[(*loc, key)][0]
                message = f"duplicate key '{key}' (first written on line {first})"
                self.problems.append(self.fail(key_node, loc, message))
                continue
            self.keys.setdefault((*loc, key), _position(key_node))
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        for merge in merges:  # `<<: *defaults`: keys written here win over merged ones
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode):
                    message = "'<<' merges need a mapping or a list of them"
                    self.problems.append(self.fail(source, loc, message))
                    continue
                for key, value in self.mapping(source, loc, depth).items():
                    result.setdefault(key, value)
        return result


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1

"""Media queries: a canonical text to compare with an exercise's `media:`, and whether a query applies at a
viewport width (`at_width:`).

Canonical text: case and whitespace dropped, `only` dropped, `screen and` / `all and` dropped (on a
learner's screen they change nothing), lengths in px with 1em = 1rem = 16px (what media queries use),
and the range syntax rewritten: `(width <= 600px)` == `(max-width: 600px)` == `(max-width: 37.5em)`.

At a width: `min-width`/`max-width`/`width` (and the range syntax, and the old `device-width`) are
evaluated; print-only queries never apply; a feature that does not depend on the width
(`orientation`, `hover`, `prefers-color-scheme`...) is given the benefit of the doubt.
"""

from __future__ import annotations

from collections.abc import Sequence

import tinycss2

from grader.styles.values import LENGTH_TO_PX, Node, significant, term

EM_PX = 16.0
SCREEN_TYPES = frozenset({"all", "screen"})
WIDTH_FEATURES = {"width": "", "device-width": ""}
FLIPPED = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="}


def media_queries(nodes: Sequence[Node]) -> list[list[Node]]:
    """The comma-separated queries of a media query list, each without whitespace."""
    queries: list[list[Node]] = [[]]
    for node in significant(nodes):
        if node.type == "literal" and node.value == ",":
            queries.append([])
        else:
            queries[-1].append(node)
    return [query for query in queries if query]


def canonical_media(nodes: Sequence[Node]) -> frozenset[str]:
    return frozenset(_canonical_query(query) for query in media_queries(nodes))


def canonical_media_text(text: str) -> frozenset[str]:
    return canonical_media(tinycss2.parse_component_value_list(text, skip_comments=True))


def media_matches(nodes: Sequence[Node], wanted: frozenset[str]) -> bool:
    """Whether the learner's query list (`nodes`) holds every query the exercise wants."""
    return wanted <= canonical_media(nodes)


def active_at(nodes: Sequence[Node], width: float) -> bool:
    """Whether the query list applies on a screen `width` CSS pixels wide. An empty list always does."""
    queries = media_queries(nodes)
    return not queries or any(_query_at(query, width) is not False for query in queries)


def always_on_screen(nodes: Sequence[Node]) -> bool:
    """`@media screen`, `@media all` and `@media only screen` apply on every screen."""
    return all(not _canonical_query(query) for query in media_queries(nodes)) and bool(media_queries(nodes))


def _canonical_query(query: list[Node]) -> str:
    return " ".join(_query_words(query))


def _query_words(query: list[Node]) -> list[str]:
    """The query as words: "not", a media type, "and", "or", and one "(feature:value)" per feature."""
    words: list[str] = []
    dropped_type = False
    for index, node in enumerate(query):
        if node.type == "ident":
            word = str(node.lower_value)
            last = index == len(query) - 1
            if word == "only":
                continue
            if word in SCREEN_TYPES and (last or _is_word(query[index + 1], "and")):
                dropped_type = True
                continue
            if word == "and" and dropped_type:
                dropped_type = False
                continue  # the `and` after a dropped `screen`
            words.append(word)
        elif node.type == "() block":
            words += _canonical_feature(significant(node.content))
        else:
            words.append(term(node))
    return words


def _canonical_feature(parts: list[Node]) -> list[str]:
    pieces = _join_operators(parts)
    if len(pieces) >= 3 and pieces[1] == ":":
        return [f"({pieces[0]}:{' '.join(pieces[2:])})"]
    ranges = _as_ranges(pieces)
    if ranges is None:
        return ["(" + " ".join(pieces) + ")"]
    words = [f"({name}:{value})" for name, value in ranges]
    return words if len(words) == 1 else [words[0], "and", words[1]]


def _join_operators(parts: list[Node]) -> list[str]:
    pieces: list[str] = []
    for node in parts:
        text = _length(node) if node.type in ("dimension", "number") else term(node)
        if node.type == "literal" and text == "=" and pieces and pieces[-1] in ("<", ">"):
            pieces[-1] += "="
        else:
            pieces.append(text)
    return pieces


def _as_ranges(pieces: list[str]) -> list[tuple[str, str]] | None:
    """`width <= 600px` -> [("max-width", "600px")]; `400px <= width <= 700px` -> min and max."""
    if len(pieces) == 3 and pieces[1] in FLIPPED:
        name, op, value = (
            (pieces[0], pieces[1], pieces[2])
            if pieces[0] in WIDTH_FEATURES
            else (pieces[2], FLIPPED[pieces[1]], pieces[0])
        )
        return [_range(name, op, value)] if name in WIDTH_FEATURES else None
    if len(pieces) == 5 and pieces[2] in WIDTH_FEATURES and pieces[1] in FLIPPED and pieces[3] in FLIPPED:
        return [_range(pieces[2], FLIPPED[pieces[1]], pieces[0]), _range(pieces[2], pieces[3], pieces[4])]
    return None


def _range(name: str, op: str, value: str) -> tuple[str, str]:
    prefix = {"<=": "max-", ">=": "min-", "=": ""}.get(op)
    return (f"{prefix}{name}", value) if prefix is not None else (f"{name}{op}", value)


def _length(node: Node) -> str:
    if node.type == "number":
        return term(node)
    unit = node.lower_unit
    factor = EM_PX if unit in ("em", "rem") else LENGTH_TO_PX.get(unit)
    return term(node) if factor is None else f"{round(node.value * factor, 4):g}px"


def _query_at(query: list[Node], width: float) -> bool | None:
    words = _query_words(query)
    negated = bool(words) and words[0] == "not"
    words = words[1:] if negated else words
    if words and not words[0].startswith("("):
        return negated  # a media type other than screen/all (print, speech): never on a screen
    verdicts = [_feature_at(word, width) for word in words if word.startswith("(")]
    if "or" in words:
        verdict = (
            True if True in verdicts else (False if verdicts and all(v is False for v in verdicts) else None)
        )
    else:
        verdict = False if False in verdicts else (True if all(v is True for v in verdicts) else None)
    if negated and verdict is not None:
        return not verdict
    return verdict


def _feature_at(feature: str, width: float) -> bool | None:
    name, _, value = feature.strip("()").partition(":")
    if not value.endswith("px") and value != "0":
        return None
    try:
        pixels = float(value.removesuffix("px"))
    except ValueError:
        return None
    name = name.replace("device-", "")
    checks = {
        "min-width": width >= pixels,
        "max-width": width <= pixels,
        "width": width == pixels,
        "width<": width < pixels,
        "width>": width > pixels,
    }
    return checks.get(name)


def _is_word(node: Node, word: str) -> bool:
    return bool(node.type == "ident" and node.lower_value == word)

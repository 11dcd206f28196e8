"""Selectors in a canonical form, so that a rule's selector can be found in a learner's stylesheet textually:
`UL  >  Li:BEFORE` -> "ul>li::before"; `h1, H2` -> ("h1", "h2"). Class names and ids keep their case
(they are case-sensitive); tag names, pseudo-classes and attribute names do not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import tinycss2

from grader.styles.values import MAX_NESTING, Node, serialize, significant

LEGACY_PSEUDO_ELEMENTS = frozenset({"before", "after", "first-line", "first-letter"})
SELECTOR_LIST_FUNCTIONS = frozenset({"not", "is", "where", "has", "matches", "-webkit-any", "-moz-any"})
COMBINATORS = frozenset({">", "+", "~"})


def selector_list(nodes: Sequence[Node], depth: int = 0) -> tuple[str, ...]:
    """The canonical selectors of a comma-separated list: `H1 , h2>p` -> ("h1", "h2>p")."""
    selectors: list[str] = []
    current: list[Node] = []
    for node in [*nodes, None]:
        if node is None or (node.type == "literal" and node.value == ","):
            selector = canonical_selector(current, depth)
            if selector:
                selectors.append(selector)
            current = []
        else:
            current.append(node)
    return tuple(selectors)


def selector_from_text(text: str) -> tuple[str, ...]:
    return selector_list(tinycss2.parse_component_value_list(text, skip_comments=True))


def canonical_selector(nodes: Sequence[Node], depth: int = 0) -> str:
    """One selector with whitespace, tag-name case, combinator spacing and legacy `:before` normalised:
    `UL  >  Li:BEFORE` -> "ul>li::before". Class names and ids keep their case (they are case-sensitive)."""
    out: list[str] = []
    spaced = False
    for node in nodes:
        if node.type in ("whitespace", "comment"):
            spaced = bool(out)
            continue
        if node.type == "literal" and node.value in COMBINATORS:
            out.append(node.value)
            spaced = False
            continue
        if spaced and out[-1] not in COMBINATORS:
            out.append(" ")
        spaced = False
        out.append(_selector_piece(node, out, depth))
    return "".join(out)


def _selector_piece(node: Node, before: list[str], depth: int) -> str:
    previous = before[-1] if before else ""
    if node.type == "ident":
        if previous == ":":
            double = len(before) > 1 and before[-2] == ":"
            legacy = not double and node.lower_value in LEGACY_PSEUDO_ELEMENTS
            return (":" if legacy else "") + str(node.lower_value)
        return str(node.value) if previous in (".", "|") else str(node.lower_value)
    if node.type == "hash":
        return f"#{node.value}"
    if node.type == "[] block":
        return _attribute_selector(significant(node.content))
    if node.type == "function" and depth < MAX_NESTING:
        if node.lower_name in SELECTOR_LIST_FUNCTIONS:
            return f"{node.lower_name}({','.join(selector_list(node.arguments, depth + 1))})"
        inner = "".join(serialize([arg]) for arg in significant(node.arguments))
        return f"{node.lower_name}({inner.lower()})"
    return serialize([node])


def _attribute_selector(parts: list[Node]) -> str:
    """`[ TYPE = text ]` -> `[type="text"]`."""
    if parts and parts[0].type == "ident":
        name = str(parts[0].lower_value)
        if len(parts) == 1:
            return f"[{name}]"
        if len(parts) in (3, 4) and parts[1].type == "literal" and parts[2].type in ("ident", "string"):
            flag = f" {parts[3].lower_value}" if len(parts) == 4 and parts[3].type == "ident" else ""
            return f"[{name}{parts[1].value}{json.dumps(parts[2].value, ensure_ascii=False)}{flag}]"
    return "[" + "".join(serialize([part]) for part in parts) + "]"

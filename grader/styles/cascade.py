"""The cascade for one selector, textually: which declaration wins for each longhand.

Not computed styles (a browser-based kind comes later): a declaration counts when its rule's selector
list holds the selector, in the media context asked for. Among those, as in the browser, the last one
wins unless an earlier one is `!important`; shorthands are split into longhands first, and `var(--x)`
is replaced by the value of `--x` declared on `:root`, `html`, `*`, `body` or the selector itself.
A declaration the browser would drop (`margin-left: 10`, `color: rde`, a broken shorthand) never wins;
it becomes a note that explains why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tinycss2.ast import FunctionBlock

from grader.styles.expand import SIDES
from grader.styles.sheet import Declared, Stylesheet
from grader.styles.shorthands import GLOBAL_KEYWORDS, corner_value, expand, longhands
from grader.styles.values import Node, Terms, canonical_color, canonical_value, serialize, significant

INHERITED_VARIABLE_SCOPES = frozenset({":root", "html", "*", "body"})
MAX_VAR_DEPTH = 8
COLOR_PROPERTIES = frozenset(
    {
        "color",
        "background-color",
        "outline-color",
        "text-decoration-color",
        "caret-color",
        "column-rule-color",
    }
    | {f"border-{side}-color" for side in SIDES}
)
LENGTH_PROPERTIES = frozenset(
    {"width", "height", "min-width", "max-width", "min-height", "max-height", "font-size", "row-gap"}
    | {"column-gap", "letter-spacing", "word-spacing", "text-indent", "flex-basis", "outline-width"}
    | {"outline-offset", "column-width", "text-decoration-thickness", *SIDES}
    | {f"{box}-{side}" for box in ("margin", "padding") for side in SIDES}
    | {f"border-{side}-width" for side in SIDES}
    | {f"border-{corner}-radius" for corner in ("top-left", "top-right", "bottom-right", "bottom-left")}
)


@dataclass(frozen=True)
class Candidate:
    """One declaration's value for one longhand."""

    declared: Declared
    longhand: str
    terms: Terms
    shown: str


@dataclass
class Cascade:
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def winner(self, longhand: str) -> Candidate | None:
        found = self.candidates.get(longhand, [])
        important = [candidate for candidate in found if candidate.declared.important]
        chosen = important or found
        return chosen[-1] if chosen else None


def cascade_for(
    sheet: Stylesheet, selector: str, applies: Callable[[Declared], bool], targets: Sequence[str]
) -> Cascade:
    """The candidates for each longhand in `targets`, in document order, from declarations of
    `selector` that `applies` accepts."""
    variables = _variables(sheet, selector, applies)
    cascade = Cascade({target: [] for target in targets})
    for declared in sheet.declarations:
        if selector not in declared.selectors or not applies(declared):
            continue
        if not set(longhands(declared.property)) & set(targets):
            continue
        nodes = _substitute(list(declared.nodes), variables, 0)
        expansion = expand(declared.property, nodes)
        if expansion is None:
            cascade.notes.append(
                f"{declared.where}: the browser ignores `{declared.property}: {declared.raw}`, "
                f"which is not a valid {declared.property} value."
            )
            continue
        reasons = [invalid_reason(name, value) for name, value in expansion.items()]
        reason = next((reason for reason in reasons if reason), None)
        if reason is not None:
            cascade.notes.append(
                f"{declared.where}: the browser ignores `{declared.property}: {declared.raw}`: {reason}."
            )
            continue
        for name, value in expansion.items():
            if name in cascade.candidates:
                value = corner_value(name, value)
                terms = canonical_value(name, value)
                text = declared.raw if name == declared.property else shown(value)
                cascade.candidates[name].append(Candidate(declared, name, terms, text))
    return cascade


def invalid_reason(longhand: str, nodes: list[Node]) -> str | None:
    """Why the browser would drop this longhand value, for the two mistakes beginners make most."""
    if any(node.type == "function" and node.lower_name == "var" for node in nodes):
        return None
    if len(nodes) == 1 and nodes[0].type == "ident" and nodes[0].lower_value in GLOBAL_KEYWORDS:
        return None
    if longhand in COLOR_PROPERTIES and (len(nodes) != 1 or canonical_color(nodes[0]) is None):
        return f"`{shown(nodes)}` is not a colour"
    if longhand in LENGTH_PROPERTIES:
        bare = next((node for node in nodes if node.type == "number" and node.value != 0), None)
        if bare is not None:
            return f"a length needs a unit, like `{bare.representation}px`"
    return None


def shown(nodes: Sequence[Node]) -> str:
    """Whitespace-free nodes written back as CSS: `1px solid red`, `"Georgia", serif`."""
    return " ".join(serialize([node]) for node in nodes).replace(" ,", ",")


def _variables(
    sheet: Stylesheet, selector: str, applies: Callable[[Declared], bool]
) -> dict[str, list[Node]]:
    scopes = INHERITED_VARIABLE_SCOPES | {selector}
    found: dict[str, Declared] = {}
    for declared in sheet.declarations:
        if declared.property.startswith("--") and scopes & set(declared.selectors) and applies(declared):
            earlier = found.get(declared.property)
            if earlier is None or declared.important or not earlier.important:
                found[declared.property] = declared
    return {name: list(declared.nodes) for name, declared in found.items()}


def _substitute(nodes: list[Node], variables: dict[str, list[Node]], depth: int) -> list[Node]:
    """Replace `var(--x)` and `var(--x, fallback)` (inside functions too); unknown ones stay as written."""
    if depth > MAX_VAR_DEPTH:
        return nodes
    out: list[Node] = []
    for node in nodes:
        if node.type != "function":
            out.append(node)
            continue
        arguments = significant(node.arguments)
        if node.lower_name == "var" and arguments and arguments[0].type == "ident":
            fallback = arguments[2:] if len(arguments) > 2 and arguments[1].type == "literal" else None
            value = variables.get(arguments[0].value, fallback)
            if value is not None:
                out += _substitute(list(value), variables, depth + 1)
                continue
        inner = _substitute(list(node.arguments), variables, depth + 1)
        out.append(FunctionBlock(node.source_line, node.source_column, node.name, inner))
    return out

"""The verdict of a `css` rule in `mode: applied`, and its words for a beginner.

A failing rule says what the browser shows ("At 1200 px wide, `h1` has color: rgb(0, 0, 255), not
darkgreen.") and, when the stylesheet's text explains it, why: the page does not link the stylesheet,
or the stylesheet declares the value but something the browser applies wins (a more specific rule, a
@media or @supports condition that is false there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from grader.browser.facts import Element, ViewportFacts
from grader.result import TestOutcome, cap_text
from grader.styles.applied import contains_value, value_matches, with_viewport
from grader.styles.shorthands import longhands
from grader.styles.values import Node, serialize

if TYPE_CHECKING:
    from grader.styles.rules import CssRule

Explain = Callable[["CssRule"], str | None]
"""Why the stylesheet's text gives a different answer than the browser, for a failing rule (or None)."""


def judge_applied(rule: CssRule, facts: ViewportFacts, explain: Explain) -> TestOutcome:
    """Pass when the browser applies `rule` to the elements its selector matches at `facts`' width."""
    name = rule.describe()
    found = facts.lookup(rule.probe().key)
    sized = rule.at_width is not None or rule.media is not None
    where = f"At {facts.width} px wide" if sized else "In the browser"
    subject = rule.subject
    if found.invalid:
        return TestOutcome(name, "fail", f"The browser does not understand the selector `{subject}`.")
    if not found.elements:
        problem = (
            f"{where}, nothing on your page matches `{subject}`, so the browser has nothing to apply "
            f"`{rule.selector.strip()} {{ ... }}` to. Check the tags, classes and ids in your HTML "
            f"(an element with class=\"note\" is selected with .note, one with id=\"intro\" with #intro)."
        )
        return TestOutcome(name, "fail", cap_text(problem))
    verdicts = [(e, _element_problem(rule, with_viewport(e, facts))) for e in found.elements]
    failing = [(element, problem) for element, problem in verdicts if problem]
    if not failing or (not rule.every and len(failing) < len(verdicts)):
        return TestOutcome(name, "pass")
    element, problem = failing[0]
    named = f"`{subject}`" if found.count == 1 else f"`{subject}` ({element.name})"
    focus = ", while it has the focus," if rule.focused else ""
    if rule.every and len(verdicts) > 1 and len(failing) < len(verdicts):
        named += f", one of the {found.count} elements it matches,"
    shown = f"{where}, {named}{focus} {problem}"
    if rule.message is not None:
        shown = f"{rule.message} On your page: {shown[:1].lower()}{shown[1:]}"
    reason = explain(rule)
    return TestOutcome(name, "fail", cap_text(f"{shown} {reason}" if reason else shown))


def _element_problem(rule: CssRule, element: Element) -> str | None:
    prop = rule.property_name
    names = longhands(prop)
    if rule.present is not None:
        set_here = [name for name in names if element.declared.get(name)]
        if rule.present and len(set_here) < len(names):
            missing = next(name for name in names if name not in set_here)
            value = element.style.get(missing, "")
            return (f"gets no {missing} from your CSS (the browser's own {missing}: {value} shows), "
                    f"but it should set {prop}.")
        if not rule.present and set_here:
            value = element.style.get(set_here[0], "")
            return f"gets {set_here[0]}: {value} from your CSS, but it should not."
        return None
    if rule.contains is not None:
        if contains_value(prop, rule.contains, element):
            return None
        return f"has {prop}: {element.style.get(prop, '')}, which does not include {rule.contains}."
    for expected in rule.longhand_values:
        if all(value_matches(name, nodes, element) for name, nodes in expected.items()):
            return None
    first = rule.longhand_values[0]
    name = next(name for name, nodes in first.items() if not value_matches(name, nodes, element))
    actual = element.style.get(name) or "nothing"
    if rule.one_of is not None:
        return f"has {name}: {actual}, not one of {', '.join(rule.one_of)}."
    if name != prop:
        return f"has {name}: {actual}, but `{prop}: {rule.value}` needs {name} to be {_shown(first[name])}."
    return f"has {prop}: {actual}, not {rule.value}."


def _shown(nodes: list[Node]) -> str:
    return serialize(nodes).strip()

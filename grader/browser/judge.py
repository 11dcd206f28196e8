"""Judging a browser check's assertions on what the browser saw at one viewport, on the host.

`title` names an assertion for the learner; `problem` says what is wrong at one viewport, in words
that name the element and the window width ("At 375 px wide, `.menu` is 420 px wide, ..."), or None.
"""

from __future__ import annotations

from grader.browser.expect import BrowserAssertion
from grader.browser.facts import Box, Element, ViewportFacts
from grader.browser.pictures import difference
from grader.markup.evaluate import evaluate_assertions, written_in_page
from grader.styles.values import canonical_text

MEASURES = {"width": "wide", "height": "high", "x": "from the page's left edge", "y": "from the page's top"}
HIDDEN = {
    "display": "is not shown: it, or an element around it, has display: none (or the hidden attribute).",
    "visibility": "is hidden with visibility: hidden.",
    "opacity": "is fully transparent (opacity: 0).",
    "size": "has no size: it is 0 px wide or 0 px high.",
    "outside": "is placed outside the page.",
}
PX_TOLERANCE = 0.5
"""Lengths closer than this compare equal: layouts land on fractions of a pixel."""


def title(assertion: BrowserAssertion) -> str:
    if assertion.title is not None:
        return assertion.title
    form = assertion.form
    selector = f"`{assertion.selector}`"
    if form == "html":
        return assertion.describe()
    if form == "style":
        pairs = ", ".join(f"{name}: {value}" for name, value in (assertion.style or {}).items())
        return f"{_every(assertion)}{selector} has {pairs}"
    if form == "visible":
        return f"{_every(assertion)}{selector} is {'visible' if assertion.visible else 'hidden'}"
    if form == "box":
        assert assertion.box is not None
        bounds = [f"{'at least' if side == 'min' else 'at most'} {value:g} px {MEASURES[measure]}"
                  for measure, side, value in assertion.box.bounds()]
        return f"{_every(assertion)}{selector} is {' and '.join(bounds)}"
    if form == "overlaps":
        return f"{selector} {'overlaps' if assertion.expect else 'does not overlap'} `{assertion.overlaps}`"
    if form == "layout":
        order = ", ".join(f"`{s}`" for s in assertion.order or ())
        return f"{order} sit {'left to right' if assertion.axis == 'x' else 'top to bottom'}"
    if form == "console":
        return "No errors in the browser's console"
    return f"Looks like the model solution (up to {assertion.tolerance:.0%} different)"


def problem(assertion: BrowserAssertion, facts: ViewportFacts, reference: str | None,
            written: str | None = None) -> str | None:
    """What is wrong with `assertion` at this viewport, or None when it holds. Custom `message`s
    replace the generated ones. `written`: the page's HTML before any script ran (`by_script`)."""
    found = _problem(assertion, facts, reference)
    if found is None and assertion.form == "html":
        typed_in = written_in_page(assertion, written)
        if typed_in is not None:
            return f"{where(facts)}, {_lower_first(typed_in)}"
    if found is None:
        return None
    if assertion.message is None:
        return f"{where(facts)}, {_lower_first(found)}"
    # The instructor's words say what was expected; what the page showed stays beside them.
    expected = _lower_first(assertion.message.rstrip(". "))
    return f"{where(facts)}, {expected}. On your page, {_lower_first(found)}"


def culprit(assertion: BrowserAssertion, facts: ViewportFacts) -> Box | None:
    """Where on the page the element a failing `assertion` is about is, to outline in its picture:
    the first element that fails it (or the first it matched); None when it has no place."""
    if assertion.selector is None:
        return None
    elements = facts.lookup(assertion.selector).elements
    if assertion.form in ("style", "visible", "box"):
        elements = tuple(e for e in elements if _element_problem(assertion, e, facts)) or elements
    shown = [element.box for element in elements if element.box.width > 0 and element.box.height > 0]
    return shown[0] if shown else None


def where(facts: ViewportFacts) -> str:
    return f"At {facts.width} px wide"


def _problem(assertion: BrowserAssertion, facts: ViewportFacts, reference: str | None) -> str | None:
    form = assertion.form
    if form == "html":
        generated = assertion.model_copy(update={"message": None})  # what the page showed, in words
        outcome = evaluate_assertions(facts.html, [generated], line_numbers=False)[0]
        return None if outcome.status == "pass" else _lower_first(outcome.message)
    if form == "console":
        if not facts.errors:
            return None
        more = f" (and {len(facts.errors) - 1} more)" if len(facts.errors) > 1 else ""
        return f"your page's JavaScript had an error: {facts.errors[0]}{more}"
    if form == "looks":
        return _looks_problem(assertion, facts, reference)
    if form == "layout":
        return _layout_problem(assertion, facts)
    if form == "overlaps":
        return _overlap_problem(assertion, facts)
    selector = assertion.selector or ""
    found = facts.lookup(selector)
    if found.invalid:
        return f"the browser does not understand the selector `{selector}`."
    if not found.elements:
        return f"no element on the page matches `{selector}`."
    problems = [_element_problem(assertion, element, facts) for element in found.elements]
    failing = [(element, text) for element, text in zip(found.elements, problems, strict=True) if text]
    if not failing or (not assertion.all_ and len(failing) < len(found.elements)):
        return None
    element, text = failing[0]
    named = f"`{selector}`" if found.count == 1 else f"`{selector}` ({element.name})"
    return f"{named} {text}"


def _element_problem(assertion: BrowserAssertion, element: Element, facts: ViewportFacts) -> str | None:
    if assertion.form == "visible":
        if assertion.visible and element.hidden:
            return HIDDEN.get(element.hidden, "is not visible.")
        if not assertion.visible and not element.hidden:
            return "is visible, but it should be hidden."
        return None
    if assertion.form == "style":
        wrong = [
            f"has {name}: {element.style.get(name) or 'nothing'}, not {value}"
            for name, value in (assertion.style or {}).items()
            if not _same_value(name, value, element.style.get(name, ""))
        ]
        return "; ".join(wrong) + "." if wrong else None
    assert assertion.box is not None
    wrong = []
    for measure, side, bound in assertion.box.bounds():
        value = getattr(element.box, measure)
        too_small = side == "min" and value < bound - PX_TOLERANCE
        if too_small or (side == "max" and value > bound + PX_TOLERANCE):
            limit = "at least" if side == "min" else "at most"
            wrong.append(f"is {value:.0f} px {MEASURES[measure]}, but should be {limit} {bound:g} px")
    if not wrong:
        return None
    sticks_out = element.box.right > facts.width + PX_TOLERANCE or element.box.x < -PX_TOLERANCE
    return "; ".join(wrong) + (" and sticks out of the page." if sticks_out else ".")


def _same_value(name: str, expected: str, actual: str) -> bool:
    want, got = canonical_text(name, expected), canonical_text(name, actual)
    if want == got:
        return True
    if len(want) != len(got):
        return False
    return all(a == b or _close_px(a, b) for a, b in zip(want, got, strict=True))


def _close_px(first: str, second: str) -> bool:
    numbers = []
    for term in (first, second):
        if term == "0":
            numbers.append(0.0)
        elif term.endswith("px"):
            try:
                numbers.append(float(term[:-2]))
            except ValueError:
                return False
        else:
            return False
    return abs(numbers[0] - numbers[1]) <= PX_TOLERANCE


def _first(facts: ViewportFacts, selector: str) -> Element | str:
    elements = facts.lookup(selector).elements
    return elements[0] if elements else f"no element on the page matches `{selector}`."


def _layout_problem(assertion: BrowserAssertion, facts: ViewportFacts) -> str | None:
    selectors = assertion.order or ()
    for before, after in zip(selectors, selectors[1:], strict=False):
        first, second = _first(facts, before), _first(facts, after)
        if isinstance(first, str) or isinstance(second, str):
            return first if isinstance(first, str) else str(second)
        a, b = first.box, second.box
        if assertion.axis == "x" and b.x < a.right - PX_TOLERANCE:
            return f"`{after}` should be to the right of `{before}`, but it is {_placement(b, a)}."
        if assertion.axis == "y" and b.y < a.bottom - PX_TOLERANCE:
            return f"`{after}` should be below `{before}`, but it is {_placement(b, a)}."
    return None


def _placement(box: Box, other: Box) -> str:
    if box.y >= other.bottom - PX_TOLERANCE:
        return "below it"
    if box.bottom <= other.y + PX_TOLERANCE:
        return "above it"
    if box.right <= other.x + PX_TOLERANCE:
        return "to its left"
    if box.x >= other.right - PX_TOLERANCE:
        return "to its right"
    return "on top of it (they overlap)"


def _overlap_problem(assertion: BrowserAssertion, facts: ViewportFacts) -> str | None:
    first, second = _first(facts, assertion.selector or ""), _first(facts, assertion.overlaps or "")
    if isinstance(first, str) or isinstance(second, str):
        return first if isinstance(first, str) else str(second)
    a, b = first.box, second.box
    width = min(a.right, b.right) - max(a.x, b.x)
    height = min(a.bottom, b.bottom) - max(a.y, b.y)
    overlapping = width > PX_TOLERANCE and height > PX_TOLERANCE
    if overlapping == assertion.expect:
        return None
    if overlapping:
        return (f"`{assertion.selector}` overlaps `{assertion.overlaps}` (they share an area of "
                f"{width:.0f} × {height:.0f} px), but they should not overlap.")
    return f"`{assertion.selector}` does not overlap `{assertion.overlaps}`, but it should."


def _looks_problem(assertion: BrowserAssertion, facts: ViewportFacts, reference: str | None) -> str | None:
    if reference is None:
        return "there is no picture of the model solution to compare with."
    if facts.screenshot is None:
        return "no picture of your page could be taken."
    share = difference(facts.screenshot, reference)
    if share is None:
        return "the pictures could not be compared."
    if share <= assertion.tolerance:
        return None
    return (f"your page looks different from the model solution in {share:.0%} of the picture "
            f"(up to {assertion.tolerance:.0%} may differ). Compare the two pictures below.")


def _every(assertion: BrowserAssertion) -> str:
    return "Every " if assertion.all_ else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text

"""grader/browser/expect.py: the shapes of a browser check's assertions, and the mistakes in them an
instructor hears about when the exercise loads."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from grader.browser.expect import BrowserAssertion


@pytest.mark.parametrize(
    ("data", "form", "selectors"),
    [
        ({"selector": "h1", "style": {"color": "red", "opacity": 0.5}}, "style", ("h1",)),
        ({"selector": ".menu", "visible": False, "at": 375}, "visible", (".menu",)),
        ({"selector": ".card", "box": {"min_width": 300}, "all": True}, "box", (".card",)),
        ({"selector": ".a", "overlaps": ".b", "expect": False}, "overlaps", (".a", ".b")),
        ({"order": [".a", ".b", ".c"], "axis": "y"}, "layout", (".a", ".b", ".c")),
        ({"console_errors": "none", "at": 375}, "console", ()),
        ({"looks_like": "reference", "tolerance": 0.1}, "looks", ()),
        ({"selector": "#msg", "text": "Hello", "at": 375}, "html", ()),
        ({"order": ["header", "main"]}, "html", ()),  # no axis: document order, as in the html check
        ({"structure": "doctype", "at": 1200}, "html", ()),
    ],
)
def test_each_form_is_recognised(data: dict[str, Any], form: str, selectors: tuple[str, ...]) -> None:
    assertion = BrowserAssertion.model_validate(data)
    assert (assertion.form, assertion.selectors()) == (form, selectors)


def test_html_assertions_keep_their_compiled_selectors_and_titles() -> None:
    assertion = BrowserAssertion.model_validate({"selector": "#msg", "text": "Hello", "at": 375})
    assert assertion.compiled.pattern == "#msg" and assertion.at == 375
    assert assertion.describe() == 'The element matching `#msg` says "Hello"'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"selector": ".c", "box": {}}, "give at least one of min_width"),
        ({"selector": ".c", "box": {"min_width": 5, "max_width": 4}}, "`min_width` (5) is larger"),
        ({"selector": "h1", "visible": True, "style": {"color": "red"}}, "give only one of `style`, `visi"),
        ({"selector": "h1", "style": {"Color": "red"}}, "`Color` is not a CSS property name"),
        ({"selector": "h1", "text": "x", "tolerance": 0.1}, "`tolerance` does not go with this assertion"),
        ({"console_errors": "none", "selector": "h1"}, "`selector` does not go with `console_errors`"),
        ({"selector": "h1", "style": {"color": "red"}, "expect": False}, "`expect` does not go with `style`"),
        ({"selector": "h1[", "visible": True}, "`h1[` is not a valid CSS selector"),
        ({"selector": ".a", "overlaps": "]"}, "`]` is not a valid CSS selector"),
        ({"at": 375}, "this assertion checks nothing"),
        ({"selector": "h1", "style": None}, "`style` is empty"),
        ({"looks_like": "reference", "tolerance": 2}, "less than or equal to 1"),
    ],
)
def test_mistakes_are_told_in_words(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        BrowserAssertion.model_validate(data)
    assert message in str(caught.value)

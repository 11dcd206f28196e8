"""grader/styles/misplaced.py: a rule the learner wrote that the browser does not see where it is asked for,
and the messages that say why (through grader/styles/rules.py)."""

from __future__ import annotations

import pytest

from tests.helpers.styles import outcome

BROKEN_CARD = ".card {\n  background-color: white;\n  padding: 16px;\n\nh1 {\n  color: blue;\n}\n"


@pytest.mark.parametrize(
    ("css", "selector", "prop", "value", "message"),
    [
        (
            BROKEN_CARD,
            "h1",
            "color",
            "blue",
            "Your CSS has no `h1` rule that the browser can see: check the `{ }` before style.css line 5 "
            "(is a `}` missing?). Note: style.css line 1: this `{` is never closed with a `}`, so the "
            "browser reads all that follows as part of this rule.",
        ),
        (
            ".a { color: red; }\n}\nh1 { color: blue; }",
            "h1",
            "color",
            "blue",
            "Your CSS has no `h1` rule that the browser can see: check the `{ }` before style.css line 3. "
            "Note: style.css line 2: this `}` closes nothing (is a `{` missing before it, or is it one `}` "
            "too many?), so the browser ignores the rule after it.",
        ),
        (
            ".card { h1 { color: blue } }",
            "h1",
            "color",
            "blue",
            "Your CSS has no `h1` rule of its own: the `h1 { ... }` on style.css line 1 is inside another "
            "rule, so it only styles `.card h1`. Write `h1 { color: blue; }` outside the other rule's `{ }`.",
        ),
        (
            "/* the heading\nh1 { color: blue; }",
            "h1",
            "color",
            "blue",
            "Your CSS has no rule for `h1`. Add `h1 { color: blue; }`. Note: style.css line 1: this comment "
            "is never closed with `*/`, so the browser ignores all that follows.",
        ),
        (
            ".card { background: url(a.png) no-repeat; }",
            ".card",
            "background-repeat",
            "no-repeat",
            "`.card` sets `background: url(a.png) no-repeat` (style.css line 1), which may set "
            "background-repeat, but this checker can only read background-repeat when it is written on its "
            "own. Add `background-repeat: no-repeat;` inside `.card { ... }` as well.",
        ),
        (
            "nav>ul { display: flex; }",
            "nav ul",
            "display",
            "flex",
            "Your CSS has no rule for `nav ul`. Add `nav ul { display: flex; }`. (You have a rule for "
            "`nav>ul`: this exercise asks for the selector `nav ul`.)",
        ),
    ],
)
def test_messages_say_where_the_rule_went(
    css: str, selector: str, prop: str, value: str, message: str
) -> None:
    assert outcome(css, selector=selector, property=prop, value=value) == ("fail", message)


def test_the_rule_before_the_missing_brace_still_counts() -> None:
    assert outcome(BROKEN_CARD, selector=".card", property="padding", value="16px") == ("pass", "")


def test_a_longhand_after_the_shorthand_is_read() -> None:
    css = ".card { background: url(a.png) no-repeat; background-repeat: no-repeat; }"
    assert outcome(css, selector=".card", property="background-repeat", value="no-repeat") == ("pass", "")

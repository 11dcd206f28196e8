"""The sentences that say what the browser does with broken CSS, for a beginner: each becomes a
`Problem` of grader/styles/sheet.py, shown after the message of a rule that fails.
"""

from __future__ import annotations

UNCLOSED = {
    "{": "this `{` is never closed with a `}`, so the browser reads all that follows as part of this rule.",
    "/*": "this comment is never closed with `*/`, so the browser ignores all that follows.",
}
STRAY = (
    "this `}` closes nothing (is a `{` missing before it, or is it one `}` too many?), "
    "so the browser ignores the rule after it."
)
NO_SELECTOR = "the browser ignores this rule: it has no selector."


def explain_parse_error(message: str) -> str:
    """tinycss2's parse error, in words: what the browser ignores and the likely slip."""
    lowered = message.lower()
    if "eof reached before {} block" in lowered:
        return "the browser ignores the end of this file: a rule is missing its `{`."
    if "before {} block" in lowered:
        return "the browser ignores this line: it is not written as `property: value;` (is a `:` missing?)."
    if "expected ':'" in lowered:
        return "the browser ignores this line: a `:` is missing after the property name."
    if "expected ident" in lowered:
        return "the browser ignores this line: it does not start with a property name."
    return "the browser cannot read this part of the CSS and ignores it."

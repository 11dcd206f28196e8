"""Where a stylesheet opens a `{` or a `/*` comment and never closes it.

tinycss2, like the browser, closes every open block at the end of the file without a word, so a rule
whose `}` is missing silently swallows the rules after it (`h1 { ... }` becomes `.card h1 { ... }`),
and a comment that is never closed hides the rest of the file. This scanner finds them, skipping
strings and escaped characters, so that a message can point at them.
"""

from __future__ import annotations

import re

# One token that matters for braces: a comment, a string (ending at its quote or at a newline, as
# CSS strings do), an escaped character, or a brace.
_TOKEN = re.compile(r"""/\*.*?(?:\*/|\Z)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|\\.|[{}]""", re.DOTALL)


def unclosed_openers(text: str) -> list[tuple[int, str]]:
    """(line, "{" or "/*") for each `{` that no `}` closes and a last comment with no `*/`, in order.
    Lines start at 1."""
    found: list[tuple[int, str]] = []
    line, counted = 1, 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token not in ("{", "}") and not (token.startswith("/*") and not token[2:].endswith("*/")):
            continue
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if token == "}":
            if found:
                found.pop()
        else:
            found.append((line, token[:2]))
    return found

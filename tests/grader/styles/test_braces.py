"""grader/styles/braces.py: the `{` and `/*` a stylesheet never closes."""

from __future__ import annotations

import pytest

from grader.styles.braces import unclosed_openers


@pytest.mark.parametrize(
    ("css", "found"),
    [
        ("h1 { color: red }", []),
        (".card {\n  padding: 0;\n\nh1 {\n  color: blue;\n}\n", [(1, "{")]),
        ("@media (x) {\n  .a {\n", [(1, "{"), (2, "{")]),
        ("a { content: '{' }\nb { content: \"}\" }", []),
        ("a { content: '}\n", [(1, "{")]),  # the `}` is inside the string
        ("a { content: '\n}", []),  # a string ends at a newline, as in CSS
        ("/* { */ a { }", []),
        ("a { } /* the end\n b { }", [(1, "/*")]),
        ("a \\{ { }", []),
        ("} a { }", []),
        ("", []),
    ],
)
def test_unclosed_openers(css: str, found: list[tuple[int, str]]) -> None:
    assert unclosed_openers(css) == found


def test_a_long_file_is_scanned_quickly() -> None:
    assert unclosed_openers("a { b: c; }\n" * 20_000 + "d {") == [(20_001, "{")]

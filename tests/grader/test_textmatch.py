"""Comparing a program's output with the expected one, mode by mode, and explaining the difference."""

from __future__ import annotations

import pytest

from grader.textmatch import MatchMode, Where, explain_difference, normalise_newlines, outputs_match


@pytest.mark.parametrize(
    ("mode", "expected", "actual", "verdict"),
    [
        ("exact", "a\nb\n", "a\nb\n", True),
        ("exact", "a\nb\n", "a\nb", False),
        ("exact", "a\nb\n", "a \nb\n", False),
        ("exact", "a\nb\n", "a\r\nb\r\n", True),  # Windows line ends are not the learner's mistake
        ("exact", "a\nb\n", "a\rb\r", True),
        ("exact", "", "", True),
        ("exact", "", "\n", False),
        ("trim", "a\nb", "\n  a\nb  \n\n", True),
        ("trim", "a\nb", "a \nb", False),  # only the ends of the whole output are forgiven
        ("trim", "a\nb", "A\nb", False),
        ("trim", "", "  \n", True),
        ("trim", "a\r\nb\r\n", "a\nb", True),
        ("lines", "a\nb", "a   \nb\t\n\n\n", True),
        ("lines", "\n\na\nb", "a\nb", True),
        ("lines", "a\nb", " a\nb", False),  # leading spaces are part of the line
        ("lines", "a\n\nb", "a\nb", False),  # a blank line inside counts
        ("lines", "a\nb", "a\r\nb\r\n", True),
        ("lines", "", "\n\n", True),
        ("lines", "", "x", False),
        ("regex", r"count: \d+", "count: 42\n", True),
        ("regex", r"count: \d+", "the count: 42", False),  # the whole output must match
        ("regex", r"a.b", "a\nb", True),  # `.` crosses lines
        ("regex", r"(yes|no)", "  yes  ", True),
        ("regex", r"x*", "", True),
        ("number", "3 12 4", "count 3, total 12, mean 4.0", True),
        ("number", "3 12 4", "3\n12\n4.0000001", True),
        ("number", "3 12 4", "3 12", False),
        ("number", "3 12 4", "3 12 4 5", False),
        ("number", "3 12 4", "12 3 4", False),  # in order
        ("number", "-1.5 2e3", "minus: -1.5, big: 2000", True),
        ("number", "0.5", "It is .5", True),
        ("number", "", "no numbers here", True),
        ("number", "1", "", False),
        ("number", "1", "one", False),  # numbers written in words are words
    ],
)
def test_modes(mode: MatchMode, expected: str, actual: str, verdict: bool) -> None:
    assert outputs_match(expected, actual, mode) is verdict


@pytest.mark.parametrize(
    ("expected", "actual", "tolerance", "verdict"),
    [
        ("5.3333", "5.333", 0.001, True),
        ("5.3333", "5.3", 0.001, False),
        ("1000", "1009", 0.01, True),  # relative: 1% of 1000
        ("0", "0.000001", 1e-6, True),  # absolute near zero
        ("0", "0.01", 1e-6, False),
        ("1.6667", "1.7", 0.05, True),
    ],
)
def test_number_tolerance(expected: str, actual: str, tolerance: float, verdict: bool) -> None:
    assert outputs_match(expected, actual, "number", tolerance) is verdict


def test_normalise_newlines() -> None:
    assert normalise_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_nothing_printed() -> None:
    assert explain_difference("no numbers\n", "  \n", "trim") == (
        "Your program printed nothing.\n\nExpected:\n  | no numbers\n"
    )


def test_a_line_that_differs_shows_both_and_the_whole() -> None:
    assert explain_difference("a\nb\nc\n", "a\nB!\nc\n", "exact") == (
        "Line 2 is different.\n"
        "  expected: 'b'\n"
        "  yours:    'B!'\n\n"
        "Expected:\n  | a\n  | b\n  | c\n"
        "\nYour program printed:\n  | a\n  | B!\n  | c\n"
    )


CASE = "Line 1 is different (only capital and small letters differ)."
SPACES = "Line 1 is different (the spaces at the start or end of the line differ)."


@pytest.mark.parametrize(
    ("mode", "expected", "actual", "first_line"),
    [
        ("exact", "count: 3\n", "Count: 3\n", CASE),
        ("exact", "count: 3\n", "count: 3 \n", SPACES),
        ("trim", "a\nb", "a \nb", SPACES),
        ("lines", "Sum   \nx", "sum\nx", CASE),
        ("exact", "a\r\nb\r\n", "a\nc\n", "Line 2 is different."),
    ],
)
def test_notes_on_a_different_line(mode: MatchMode, expected: str, actual: str, first_line: str) -> None:
    assert explain_difference(expected, actual, mode).splitlines()[0] == first_line


def test_missing_and_extra_lines() -> None:
    assert explain_difference("a\nb\nc", "a\nb", "lines") == (
        "Your program printed 2 lines; 3 were expected. The next line should be:\n  | c\n"
    )
    assert explain_difference("a", "a\nb\nc", "trim") == (
        "Your program printed 2 more line(s) than expected, starting with:\n  | b\n"
    )


def test_regex_and_number_explanations() -> None:
    assert explain_difference(r"mean: \d+", "mean: x", "regex") == (
        "Expected output matching the pattern 'mean: \\\\d+'\n\nYour program printed:\n  | mean: x\n"
    )
    assert explain_difference("count 3, mean 2.5", "count: 3\nmean: 2", "number") == (
        "Expected these numbers:\n  | 3 2.5\n\nYour program printed:\n  | count: 3\n  | mean: 2\n"
    )


def test_a_difference_in_blank_lines_only() -> None:
    assert explain_difference("a\n", "a", "exact") == (
        "Your output is different from what was expected (check spaces and blank lines)."
    )


@pytest.mark.parametrize(
    ("where", "expected", "actual", "verdict"),
    [
        ("end", "Hello, Ann!\nAnn likes pizza.", "Your name? Hello, Ann!\nAnn likes pizza.\n", True),
        ("end", "Hello, Ann!\nAnn likes pizza.", "Name?\nFood?\n\nHello, Ann!\nAnn likes pizza.", True),
        ("end", "Hello, Ann!", "Hello  ,  Ann !\n", True),  # spaces as a beginner's eye reads them
        ("end", "2 h 5 min", "Minutes:2 h 5 min", True),  # the prompt ends in ':'
        ("end", "2 h 5 min", "12 h 5 min", False),  # not a prompt: a different number
        ("end", "2 h 5 min", "2 h 5 min\nBye", False),  # the expected lines end the output
        ("end", "Hello, Ann!", "hello, ann!", False),  # letters are compared as written
        ("end", "a\nb", "b", False),
        ("start", "Hello, World!", "Hello, World!\nI am learning Python.", True),
        ("start", "Hello, World!", "Hi\nHello, World!", False),
        ("start", "Hello, World!", "Say: Hello, World!", False),  # no prompt before the first line
        ("all", "a\nb", "\na\n\nb\n\n", True),
        ("all", "a\nb", "a\nb\nc", False),
        ("all", "a\nb", "x a\nb", False),
    ],
)
def test_printed(where: Where, expected: str, actual: str, verdict: bool) -> None:
    assert outputs_match(expected, actual, "printed", where=where) is verdict


def test_printed_explains_with_the_input_and_the_first_difference() -> None:
    assert explain_difference("Hello, Ann!\nAnn likes pizza.", "Name? Hello Ann\nAnn likes pizza.",
                              "printed", "end", "Ann\npizza\n") == (
        "With this input:\n  | Ann\n  | pizza\n\n"
        "Your program should end by printing:\n  | Hello, Ann!\n  | Ann likes pizza.\n\n"
        "It printed:\n  | Name? Hello Ann\n  | Ann likes pizza.\n"
        "\nThe first difference: you printed 'Name? Hello Ann', expected 'Hello, Ann!'.\n"
    )


@pytest.mark.parametrize(
    ("where", "actual", "should", "note"),
    [
        ("start", "hello, world!\nMore", "start by printing",
         "Look at capital and small letters: you printed 'hello, world!', expected 'Hello, World!'."),
        ("all", "Hello, World!\nMore", "print exactly", "Your program printed 2 line(s); 1 were expected."),
    ],
)
def test_printed_notes(where: Where, actual: str, should: str, note: str) -> None:
    explained = explain_difference("Hello, World!", actual, "printed", where)
    assert explained.startswith(f"Your program should {should}:\n  | Hello, World!\n")
    assert explained.endswith(f"\n{note}\n")

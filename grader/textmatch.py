"""Comparing a program's output with the expected output, on the host, the way `match:` says."""

from __future__ import annotations

import math
import re
from typing import Literal

MatchMode = Literal["exact", "trim", "lines", "regex", "number"]
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def outputs_match(expected: str, actual: str, mode: MatchMode, tolerance: float = 1e-6) -> bool:
    """exact: identical; trim: identical after trimming the ends; lines: the same lines, each
    trimmed of trailing spaces, blank lines at the ends ignored; regex: the pattern matches the
    whole trimmed output; number: the same numbers, in order, within `tolerance` (relative or
    absolute), whatever the words around them."""
    expected, actual = normalise_newlines(expected), normalise_newlines(actual)
    if mode == "exact":
        return expected == actual
    if mode == "trim":
        return expected.strip() == actual.strip()
    if mode == "lines":
        return _lines(expected) == _lines(actual)
    if mode == "regex":
        return re.fullmatch(expected, actual.strip(), flags=re.DOTALL) is not None
    wanted = [float(n) for n in NUMBER.findall(expected)]
    got = [float(n) for n in NUMBER.findall(actual)]
    pairs = zip(wanted, got, strict=False)
    close = (math.isclose(w, g, rel_tol=tolerance, abs_tol=tolerance) for w, g in pairs)
    return len(wanted) == len(got) and all(close)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").split("\n")] if text.strip() else []


def explain_difference(expected: str, actual: str, mode: MatchMode) -> str:
    """A short, readable account of how `actual` differs from `expected`, for a beginner."""
    expected, actual = normalise_newlines(expected), normalise_newlines(actual)
    if not actual.strip():
        return "Your program printed nothing.\n\nExpected:\n" + _block(expected)
    if mode == "regex":
        pattern = f"Expected output matching the pattern {expected!r}\n\n"
        return pattern + "Your program printed:\n" + _block(actual)
    if mode == "number":
        return "Expected these numbers:\n" + _block(" ".join(NUMBER.findall(expected))) + (
            "\nYour program printed:\n" + _block(actual)
        )
    if mode == "trim":  # only the ends of the whole output are forgiven, not those of each line
        expected, actual = expected.strip(), actual.strip()
    want, got = expected.strip("\n").split("\n"), actual.strip("\n").split("\n")
    for number, (w, g) in enumerate(zip(want, got, strict=False), start=1):
        if mode == "lines":
            w, g = w.rstrip(), g.rstrip()
        if w != g:
            if w.strip() == g.strip():
                note = " (the spaces at the start or end of the line differ)"
            elif w.lower() == g.lower():
                note = " (only capital and small letters differ)"
            else:
                note = ""
            return (
                f"Line {number} is different{note}.\n"
                f"  expected: {w!r}\n"
                f"  yours:    {g!r}\n\n"
                "Expected:\n" + _block(expected) + "\nYour program printed:\n" + _block(actual)
            )
    if len(got) < len(want):
        head = f"Your program printed {len(got)} lines; {len(want)} were expected. The next line should be:\n"
        return head + _block(want[len(got)])
    if len(got) > len(want):
        head = f"Your program printed {len(got) - len(want)} more line(s) than expected, starting with:\n"
        return head + _block(got[len(want)])
    return "Your output is different from what was expected (check spaces and blank lines)."


def _block(text: str) -> str:
    return "".join(f"  | {line}\n" for line in text.rstrip("\n").split("\n"))

"""Comparing a program's output with the expected output, on the host, the way `match:` says."""

from __future__ import annotations

import math
import re
from typing import Literal

MatchMode = Literal["exact", "trim", "lines", "regex", "number", "printed"]
Where = Literal["start", "end", "all"]
"""Which printed lines `printed` compares: the first ones, the last ones, or all of them."""
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
PROMPT_END = (" ", ":", "?", ">", "-", "\t")
"""How the question `input()` printed can end when an expected line follows it on the same line."""
SHOULD = {"end": "end by printing", "start": "start by printing", "all": "print exactly"}


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def outputs_match(expected: str, actual: str, mode: MatchMode, tolerance: float = 1e-6,
                  where: Where = "end", asked: bool = False) -> bool:
    """exact: identical; trim: identical after trimming the ends; lines: the same lines, each
    trimmed of trailing spaces, blank lines at the ends ignored; regex: the pattern matches the
    whole trimmed output; number: the same numbers, in order, within `tolerance` (relative or
    absolute), whatever the words around them; printed: the printed lines a beginner's eye reads
    (see `printed_lines`), at the `where` of the output. `asked`: the expected output is another
    program's (the reference solution's), so its lines may begin with its own questions too."""
    expected, actual = normalise_newlines(expected), normalise_newlines(actual)
    if mode == "printed":
        return _printed_match(expected, actual, where, asked)
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


def printed_lines(text: str) -> list[str]:
    """The non-blank lines of `text`, a run of spaces counting as one and a space before punctuation
    dropped: `Hello , Ann !` and `Hello, Ann!` read the same to a beginner."""
    tidy = (re.sub(r" ([!.,?:;])", r"\1", re.sub(r"\s+", " ", line).strip()) for line in text.split("\n"))
    return [line for line in tidy if line]


def _printed_match(expected: str, actual: str, where: Where, asked: bool = False) -> bool:
    want = printed_lines(expected)
    got = _compared_part(printed_lines(actual), len(want), where)
    same = _same_asked_line if asked else _same_line
    return len(got) == len(want) and all(same(g, w, where) for g, w in zip(got, want, strict=True))


def _compared_part(printed: list[str], count: int, where: Where) -> list[str]:
    if where == "start":
        return printed[:count]
    return printed if where == "all" or len(printed) < count else printed[-count:]


def _same_line(got: str, want: str, where: Where) -> bool:
    """At the end of the output, a line may begin with the question input() asked (`Your name? Ann`)."""
    if got == want:
        return True
    if where != "end" or not got.endswith(want):
        return False
    return got[: -len(want)].endswith(PROMPT_END) or want.startswith(PROMPT_END)


def _same_asked_line(got: str, want: str, where: Where) -> bool:
    """Two programs' lines: either may begin with the questions its input() asked, and the rest must
    be the same (`Minutes? 2 h 5 min` and `How many? 2 h 5 min` and `2 h 5 min` are one line)."""
    return bool(_answers(got) & _answers(want))


def _answers(line: str) -> set[str]:
    """What the line may say once questions in front of it are taken away: the whole line, and every
    ending that follows a question's end ("? ", ": " or "> ")."""
    found = {line}
    for index in range(len(line) - 2):
        if line[index] in "?:>" and line[index + 1] == " ":
            found.add(line[index + 2:].lstrip())
    return found - {""}


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").split("\n")] if text.strip() else []


def explain_difference(expected: str, actual: str, mode: MatchMode, where: Where = "end",
                       given: str = "", asked: bool = False) -> str:
    """A short, readable account of how `actual` differs from `expected`, for a beginner; `printed`
    also shows the input `given` to the program."""
    expected, actual = normalise_newlines(expected), normalise_newlines(actual)
    if not actual.strip():
        return "Your program printed nothing.\n\nExpected:\n" + _block(expected)
    if mode == "printed":
        return _explain_printed(expected, actual, where, normalise_newlines(given), asked)
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


def _explain_printed(expected: str, actual: str, where: Where, given: str, asked: bool = False) -> str:
    want, printed = printed_lines(expected), printed_lines(actual)
    got = _compared_part(printed, len(want), where)
    note = ""
    same = _same_asked_line if asked else _same_line
    for g, w in zip(got, want, strict=False):
        if not same(g, w, where):
            if g.lower().endswith(w.lower()):
                note = f"\nLook at capital and small letters: you printed {g!r}, expected {w!r}.\n"
            else:
                note = f"\nThe first difference: you printed {g!r}, expected {w!r}.\n"
            break
    else:
        if len(got) != len(want):
            note = f"\nYour program printed {len(printed)} line(s); {len(want)} were expected.\n"
    intro = f"With this input:\n{_block(given)}\n" if given.strip() else ""
    should, did = _block("\n".join(want)), _block("\n".join(printed))
    return f"{intro}Your program should {SHOULD[where]}:\n{should}\nIt printed:\n{did}{note}"


def _block(text: str) -> str:
    return "".join(f"  | {line}\n" for line in text.rstrip("\n").split("\n"))

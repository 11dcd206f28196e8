"""Decide whether a learner's file holds text we can check, and say so in words a beginner understands."""

from __future__ import annotations

BINARY_SNIFF_CHARS = 8192
REPLACEMENT_SHARE = 0.3


def text_problem(text: str, filename: str) -> str | None:
    """Why `text` (the decoded contents of `filename`) cannot be checked, or None when it can.

    Empty and whitespace-only files are "empty"; a NUL character or a flood of undecodable bytes
    means the learner saved something that is not a text file (a word-processor document, an image).
    """
    if not text.strip():
        return f"{filename} is empty: write your code in it, save it, then submit again."
    head = text[:BINARY_SNIFF_CHARS]
    if "\x00" in head or head.count("\ufffd") > max(8, len(head) * REPLACEMENT_SHARE):
        return (
            f"{filename} is not a plain text file, so it cannot be checked. "
            "Write it in a code editor (not a word processor) and save it as plain text."
        )
    return None

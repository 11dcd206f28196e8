"""How things read on the page: sanitised markdown, verdicts in plain words, times, output diffs.

Registered as Jinja filters and globals by `init_app`; everything returns escaped or sanitised markup.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "img", "del", "s",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "code": {"class"}, "ol": {"start"}}

CHECK_WORDS = {
    "pass": "Passed",
    "fail": "Not yet",
    "error": "Your code could not run",
    "timeout": "Took too long",
    "memory": "Used too much memory",
    "output": "Printed too much",
}
STATUS_WORDS = {
    "queued": "Waiting to be graded",
    "running": "Being graded",
    "done": "Graded",
    "error": "Could not be graded",
    "superseded": "Replaced before grading",
}


@lru_cache(maxsize=512)
def markdown(text: str) -> Markup:
    """Instructions written by an instructor, as safe HTML (no raw HTML, no scripts, no event handlers).

    Cached: every learner opens the same few instructions, over and over."""
    html = _markdown.render(text)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def output_lines(text: str) -> Markup:
    """A check's output with the lines of a difference marked, so expected and actual stand out."""
    rows = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        kind = ""
        if stripped.startswith("expected:"):
            kind = "expected"
        elif stripped.startswith(("yours:", "got:", "actual:")):
            kind = "actual"
        rows.append(Markup('<span class="line {}">{}</span>').format(kind, line) if kind else escape(line))
    return Markup("\n").join(rows)


def when(value: datetime | None) -> str:
    """A timestamp as people read it in the room (the server's local time)."""
    if value is None:
        return ""
    return value.astimezone().strftime("%d %b %Y, %H:%M")


def score(value: float | None, maximum: float | None) -> str:
    if value is None or maximum is None:
        return "–"
    return f"{value:g} / {maximum:g}"


def percent(value: float | None, maximum: float | None) -> int:
    if not value or not maximum:
        return 0
    return max(0, min(100, round(100 * value / maximum)))


def init_app(app: Flask) -> None:
    app.add_template_filter(markdown, "markdown")
    app.add_template_filter(output_lines, "output_lines")
    app.add_template_filter(when, "when")
    filters: dict[str, Any] = {"score": score, "percent": percent}
    app.jinja_env.globals.update(filters, CHECK_WORDS=CHECK_WORDS, STATUS_WORDS=STATUS_WORDS)

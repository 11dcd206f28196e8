"""How things read on the page: sanitised markdown, verdicts in plain words, times, output diffs.

Registered as Jinja filters and globals by `init_app`; everything returns escaped or sanitised markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
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
def markdown(text: str, below: str = "") -> Markup:
    """Instructions written by an instructor, as safe HTML (no raw HTML, no scripts, no event handlers).

    With `below` (the page's own title, its h1), every heading goes one level down, and a first heading
    that repeats the title is left out: a page has one h1 (and no two identical headings).
    Cached: every learner opens the same few instructions, over and over."""
    html = _markdown.render(text)
    if below:
        html = _demote_headings(html, below)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


_HEADING = re.compile(r"<(/?)h([1-6])>")


def _demote_headings(html: str, title: str) -> str:
    first = re.match(r"\s*<h1>(.*?)</h1>\s*", html, re.DOTALL)
    if first and first.group(1).strip() == str(escape(title)).strip():
        html = html[first.end():]
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}>", html)


def output_lines(text: str, files: Iterable[str] = ()) -> Markup:
    """A check's output with the lines of a difference marked, so expected and actual stand out, and
    the places in the learner's files as links (see `line_links`)."""
    rows = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        kind = ""
        if stripped.startswith("expected:"):
            kind = "expected"
        elif stripped.startswith(("yours:", "got:", "actual:")):
            kind = "actual"
        linked = line_links(line, files)
        rows.append(Markup('<span class="line {}">{}</span>').format(kind, linked) if kind else linked)
    return Markup("\n").join(rows)


_SUFFIXES = r"(?:py|js|mjs|html|htm|css)"
_FILE_LINE = re.compile(
    rf"""(?P<file>[\w./-]+\.{_SUFFIXES})["']?(?:,|\s+on|\s+at)?\s+line\s+(?P<line>\d+)"""
    rf"|(?P<file2>[\w./-]+\.{_SUFFIXES}):(?P<line2>\d+)"
    rf"|\b(?:on\s+)?line\s+(?P<line3>\d+)"
)
"""A place in a file as feedback writes it: `in x.py on line 3`, `style.css line 4`, `File "x.py", line
3`, `x.py:3:`, `x.js:1:19`; or `on line 3` alone, in the only file (or the file the text names)."""


def line_references(text: str, files: Iterable[str]) -> list[tuple[int, int, str, int]]:
    """(start, end, file, line) of each place in `text` that names a line of one of `files`."""
    known = list(files)
    named = [path for path in known if path in text]
    default = known[0] if len(known) == 1 else named[0] if len(named) == 1 else None
    found = []
    for match in _FILE_LINE.finditer(text):
        path = match.group("file") or match.group("file2") or default
        number = match.group("line") or match.group("line2") or match.group("line3")
        if path in known and int(number) > 0:
            found.append((match.start(), match.end(), str(path), int(number)))
    return found


def line_links(text: str, files: Iterable[str] = ()) -> Markup:
    """`text`, escaped, with each place in the learner's `files` as a link: the page's editor moves
    the cursor there (web/static/app.js); on an attempt's page the link goes to the line."""
    parts: list[Markup | str] = []
    at = 0
    for start, end, path, number in line_references(text, files):
        parts += [text[at:start], Markup('<a class="line-link" href="#line-{0}-{1}" data-file="{0}" '
                                         'data-line="{1}">{2}</a>').format(path, number, text[start:end])]
        at = end
    parts.append(text[at:])
    return Markup("").join(escape(part) for part in parts)


def line_marks(result: dict[str, Any] | None, files: Iterable[str]) -> list[dict[str, Any]]:
    """The lines the failed checks of `result` point at, for the editor's gutter: file, line, message."""
    known = list(files)
    marks = []
    for check in (result or {}).get("checks") or []:
        if check.get("status") == "pass":
            continue
        texts = [str(check.get("message") or "")]
        failed = [test for test in check.get("tests") or [] if test.get("status") != "pass"]
        texts += [str(test.get("message") or "") for test in failed]
        for text in texts:
            for _, _, path, number in line_references(text, known):
                marks.append({"file": path, "line": number, "message": text.split("\n")[0][:300]})
    return marks


def when(value: datetime | None) -> str:
    """A timestamp as people read it in the room (the server's local time)."""
    if value is None:
        return ""
    return value.astimezone().strftime("%d %b %Y, %H:%M")


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago, as said in the room: "just now", "4 min ago", "2 h ago", else the date."""
    if value is None:
        return "never"
    seconds = ((now or datetime.now(UTC)) - value).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min ago"
    if seconds < 24 * 3600:
        return f"{seconds // 3600:.0f} h ago"
    return value.astimezone().strftime("%d %b")


def points(value: float) -> str:
    """A score as a person writes it: 2.8333 is 2.8, 3.0 is 3."""
    return f"{round(value, 1):g}"


def score(value: float | None, maximum: float | None) -> str:
    if value is None or maximum is None:
        return "–"
    return f"{points(value)} / {points(maximum)}"


def checks_passed(result: dict[str, Any] | None) -> str:
    """"3 of 4 checks passed" (empty when there are no checks)."""
    checks = (result or {}).get("checks") or []
    if not checks:
        return ""
    passed = sum(1 for check in checks if check.get("status") == "pass")
    return f"{passed} of {len(checks)} check{'s' if len(checks) != 1 else ''} passed"


def seconds(value: float) -> str:
    """A wait as people say it: "1 second", "4 seconds" (never less than one)."""
    whole = max(1, math.ceil(value))
    return f"{whole} second{'s' if whole != 1 else ''}"


def percent(value: float | None, maximum: float | None) -> int:
    if not value or not maximum:
        return 0
    return max(0, min(100, round(100 * value / maximum)))


def init_app(app: Flask) -> None:
    app.add_template_filter(markdown, "markdown")
    app.add_template_filter(output_lines, "output_lines")
    app.add_template_filter(line_links, "line_links")
    app.add_template_filter(when, "when")
    app.add_template_filter(ago, "ago")
    filters: dict[str, Any] = {"score": score, "percent": percent, "points": points,
                               "checks_passed": checks_passed, "seconds": seconds,
                               "line_marks": line_marks}
    app.jinja_env.globals.update(filters, CHECK_WORDS=CHECK_WORDS, STATUS_WORDS=STATUS_WORDS)

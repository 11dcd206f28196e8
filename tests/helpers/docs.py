"""Reading the guides (README.md and docs/*.md) for the tests that keep their examples true.

A fenced block's info string is its language followed by marks, which say how the block is checked:

    ```yaml exercise [path=track/slug] [invalid]   a whole exercise.yaml, loaded (invalid: must fail,
                                                   with the errors the next ```text block shows)
    ```yaml check                                  one check, or a list of checks, loaded in an exercise
    ```yaml excerpt PATH                           lines copied word for word from the file PATH
    ```yaml track / ```yaml catalog                a track.yaml / a catalog.yaml
    ```sh run / ```sh run-docker                   every `grader` line runs and exits 0 (Docker: the latter)
    ```sh, ```console, ```crontab                  every `grader` command exists with the options shown
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
GUIDE_NAMES = ("authoring", "instructors", "operations", "sandbox", "performance")
SHELL_LANGUAGES = frozenset({"sh", "shell", "bash", "console"})
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_SPAN = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")


CURRICULUM = ROOT / "exercises" / "README.md"


def guides() -> list[Path]:
    """README.md, every docs/*.md, and the curriculum's README (it points into the guides)."""
    return [README, *sorted(DOCS.glob("*.md")), CURRICULUM]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Block:
    """A fenced code block: where it starts (the fence's line, from 1), its language and marks."""

    path: Path
    line: int
    language: str
    marks: tuple[str, ...]
    text: str

    @property
    def where(self) -> str:
        return f"{relative(self.path)}:{self.line}"

    def option(self, name: str) -> str | None:
        """The value of a `name=value` mark, or None."""
        prefix = name + "="
        return next((mark[len(prefix):] for mark in self.marks if mark.startswith(prefix)), None)


def blocks(path: Path) -> list[Block]:
    """Every fenced block of a markdown file, in order. An unclosed fence runs to the end (as on GitHub)."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        words = opening["info"].split()
        body: list[str] = []
        index += 1
        while index < len(lines):
            closing = _FENCE.match(lines[index])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence) \
                    and not closing["info"].strip():
                break
            line = lines[index]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            index += 1
        start = index - len(body)
        found.append(Block(path, start, words[0] if words else "", tuple(words[1:]), "\n".join(body) + "\n"))
        index += 1
    return found


def prose(path: Path) -> list[tuple[int, str]]:
    """The lines outside fenced blocks, with their numbers (from 1)."""
    inside: set[int] = set()
    for block in blocks(path):
        inside.update(range(block.line, block.line + block.text.count("\n") + 2))  # fences included
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(number, line) for number, line in enumerate(lines, start=1) if number not in inside]


def code_spans(text: str) -> list[str]:
    """The inline code spans of a line of prose (a table's `\\|` read as `|`)."""
    return [match["code"].strip().replace("\\|", "|") for match in _SPAN.finditer(text)]


@dataclass(frozen=True)
class Link:
    path: Path
    line: int
    target: str

    @property
    def where(self) -> str:
        return f"{relative(self.path)}:{self.line}"


def links(path: Path) -> list[Link]:
    """Every markdown link of the prose, code spans left out."""
    found = []
    for number, line in prose(path):
        text = _SPAN.sub("", line)
        found += [Link(path, number, match["target"]) for match in _LINK.finditer(text)]
    return found


def heading_anchors(path: Path) -> set[str]:
    """The anchors GitHub makes for the headings of a markdown file."""
    anchors: set[str] = set()
    for _, line in prose(path):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading is None:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading[1]).replace("`", "").lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        anchor, number = slug, 0
        while anchor in anchors:
            number += 1
            anchor = f"{slug}-{number}"
        anchors.add(anchor)
    return anchors


@dataclass(frozen=True)
class Command:
    """A `grader` command line shown in a guide: its words after `grader`, and where it is."""

    where: str
    words: tuple[str, ...]
    text: str


def command_words(line: str) -> tuple[str, ...] | None:
    """The words after `grader` when `line` runs the grader (`grader`, `.venv/bin/grader`,
    `/opt/grader/bin/grader`, maybe after `sudo` or VAR=value), else None. Comments are dropped."""
    try:
        words = shlex.split(line.replace("\\|", "|"), comments=True)
    except ValueError:
        return None
    while words and (words[0] in ("$", "#", "sudo") or re.match(r"^[A-Z_]+=", words[0])):
        words = words[1:]
    if not words or Path(words[0]).name != "grader":
        return None
    return tuple(words[1:])


def commands() -> Iterator[Command]:
    """Every `grader` command of the guides: lines of shell blocks, and code spans of the prose."""
    for path in guides():
        for block in blocks(path):
            if block.language not in (*SHELL_LANGUAGES, "crontab"):
                continue
            for offset, line in enumerate(block.text.splitlines(), start=1):
                if block.language == "crontab":  # minute hour day month weekday user command
                    line = " ".join(line.split()[6:])
                words = command_words(line)
                if words is not None:
                    yield Command(f"{relative(path)}:{block.line + offset}", words, line.strip())
        for number, line in prose(path):
            for span in code_spans(line):
                words = command_words(span) if span.split(" ", 1)[0].endswith("grader") else None
                if words is not None:
                    yield Command(f"{relative(path)}:{number}", words, span)


def subcommands(group: click.Group) -> dict[str, click.Command]:
    """A group's commands by name, loaded as running them would (the `grader` group imports lazily)."""
    ctx = click.Context(group)
    found = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}

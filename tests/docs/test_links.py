"""Every relative link of README.md and docs/*.md points to a file (and heading) that exists, every
repository path the guides name in code exists, and the README stays short and points to every guide."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.helpers.docs import (
    DOCS,
    GUIDE_NAMES,
    README,
    ROOT,
    Link,
    code_spans,
    guides,
    heading_anchors,
    links,
    prose,
    relative,
)

README_MAX_LINES = 200
PENDING: frozenset[str] = frozenset()
"""Guides another branch is writing, which may be linked before they land (none now)."""
"""Guides written on another branch: a link to one may point nowhere until that branch is merged (then
it is checked like any other). Remove a name once its file is in the tree."""
TOP_FOLDERS = ("cli", "ops", "web", "service", "store", "config", "grader", "sandbox", "exercises", "scripts",
               "deploy", "tests", "bench", "docs", ".ci")
_REPO_PATH = re.compile(rf"^(?:{'|'.join(re.escape(name) for name in TOP_FOLDERS)})/[\w./-]*$")

_SPAN_TEXT = re.compile(r"(`+).+?\1")
LINKS = [link for path in guides() for link in links(path)]
LOCAL = [link for link in LINKS if not re.match(r"^[a-z][a-z0-9+.-]*:", link.target)]


def target(link: Link) -> tuple[Path, str]:
    """The file a relative link points to, and its anchor ('' when none)."""
    address, _, anchor = link.target.partition("#")
    path = link.path if not address else (link.path.parent / unquote(address)).resolve()
    return path, anchor


def test_the_guides_link_to_each_other() -> None:
    assert len(LOCAL) > 20


@pytest.mark.parametrize("link", LOCAL, ids=[f"{link.where} {link.target}" for link in LOCAL])
def test_a_relative_link_points_to_something_that_exists(link: Link) -> None:
    path, anchor = target(link)
    assert path.is_relative_to(ROOT), f"{link.where}: {link.target} leaves the repository"
    if not path.exists() and relative(path) in PENDING:
        return
    assert path.exists(), f"{link.where}: {link.target}: no such file"
    if anchor and path.suffix == ".md":
        assert anchor in heading_anchors(path), f"{link.where}: {relative(path)} has no heading #{anchor}"


def named_paths() -> list[tuple[str, str]]:
    found = []
    for path in guides():
        for number, line in prose(path):
            for span in code_spans(line):
                if _REPO_PATH.match(span) and "<" not in span:
                    found.append((f"{relative(path)}:{number}", span))
    return found


PATHS = named_paths()


@pytest.mark.parametrize("where,name", PATHS, ids=[f"{w} {n}" for w, n in PATHS])
def test_a_repository_path_named_in_the_guides_exists(where: str, name: str) -> None:
    assert (ROOT / name).exists() or name in PENDING, f"{where}: `{name}` does not exist"


def test_no_tag_is_written_bare_in_the_prose() -> None:
    """`<p>` outside code would be read as HTML by a markdown renderer and vanish from the page."""
    bare = [f"{relative(path)}:{number}" for path in guides() for number, line in prose(path)
            if re.search(r"<[a-zA-Z!/]", _SPAN_TEXT.sub("", line))]
    assert not bare, f"put these tags in `code`: {bare}"


def test_no_code_span_is_cut_across_two_lines() -> None:
    """The checks of commands and paths read the prose a line at a time."""
    cut = [f"{relative(path)}:{number}" for path in guides() for number, line in prose(path)
           if line.count("`") % 2]
    assert not cut, f"keep each `code span` on one line: {cut}"


def test_the_readme_is_at_most_200_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_the_readme_links_every_guide_and_the_curriculum() -> None:
    linked = {target(link)[0] for link in links(README)}
    wanted = {DOCS / f"{name}.md" for name in GUIDE_NAMES} | {ROOT / "exercises" / "README.md"}
    assert wanted <= linked, f"README.md does not link {sorted(relative(p) for p in wanted - linked)}"
    assert all((DOCS / f"{name}.md").is_file() for name in GUIDE_NAMES)


def test_the_readme_holds_no_copy_of_the_curriculum() -> None:
    """The list of exercises lives in exercises/README.md only."""
    text = README.read_text(encoding="utf-8")
    keys = re.findall(r"`(?:html|css|javascript|python|flask)/\d\d-[\w-]+`", text)
    assert len(keys) <= 3, f"README.md lists exercises: {keys}"


PACKAGES = ("cli", "ops", "web", "service", "store", "config", "grader", "sandbox", "scripts")
_POINTER = re.compile(
    r"docs/(?P<guide>[\w-]+\.md)(?:[^\"'\n]{0,20}?[\"'](?P<section>[A-Za-z][^\"'\n]*)[\"'])?"
)


def pointers() -> list[tuple[str, str, str | None]]:
    """Where the product's own messages send people: (where, guide, section or None)."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".sh", ".html") and path.is_file():
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                    for match in _POINTER.finditer(line):
                        found.append((f"{relative(path)}:{number}", match["guide"], match["section"]))
    return found


POINTERS = pointers()


@pytest.mark.parametrize("where,guide,section", POINTERS, ids=[w for w, _, _ in POINTERS])
def test_a_guide_the_product_points_to_exists(where: str, guide: str, section: str | None) -> None:
    path = DOCS / guide
    assert path.is_file() or f"docs/{guide}" in PENDING, f"{where}: no docs/{guide}"
    if section is not None and path.is_file():
        titles = {line.lstrip("#").strip().strip("`") for _, line in prose(path) if line.startswith("#")}
        assert section in titles, f"{where}: docs/{guide} has no section {section!r}"


def test_the_product_points_to_its_guides() -> None:
    assert len(POINTERS) >= 3 and any(section for _, _, section in POINTERS)

"""What a page means rather than how its text looks: whether an element holds anything, whether alt text
describes a picture, and where a link goes.

- An element is **filled** when it shows words, numbers or symbols (text made only of spaces and
  punctuation, like "." or "- -", is empty), holds something that is content by itself (a picture,
  a form field, a video...), or is such a thing. `<h1></h1>`, `<p>.</p>` and a row of empty cells are
  not filled. Tags that are never content (`<script>`, `<link>`, `<meta>`...) always count.
- **Alt text** describes a picture when it is not empty, not a file name (`cat.svg`, `IMG_0042.jpg`,
  the picture's own file name without its extension) and not a word that says only "a picture".
- A **link's target**: `#id` is an element of the page with that id, holding something, that is
  neither the link nor around it; a relative path is a file of the learner's site; a link to another
  site cannot be followed offline.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from grader.markup.document import attribute, visible_text

CONTENT_BY_ITSELF = frozenset(
    "img input select textarea video audio iframe canvas svg picture object embed meter progress hr math "
    "area".split()
)
"""Elements that are something to see or use even with no text in them."""
NEVER_CONTENT = frozenset(
    "script style link meta base template noscript head br wbr col source track".split()
)
"""Elements that are not content: counting them says nothing about what a reader sees."""
IMAGE_SUFFIX = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|ico|avif|tiff?|heic)$", re.IGNORECASE)
FILE_LIKE = re.compile(r"^[\w\s().,-]*\.[a-z0-9]{2,5}$", re.IGNORECASE)
PLACEHOLDER_ALTS = frozenset(
    "image picture photo photograph img pic icon logo alt graphic illustration untitled placeholder "
    "alt-text image-here picture-here an-image a-picture a-photo the-image the-picture my-image".split()
)
WORD = re.compile(r"[^\W_]+")


def meaningful(text: str) -> bool:
    """Whether the text holds a letter, a digit or a symbol: not only spaces and punctuation."""
    return any(unicodedata.category(char)[0] in "LNS" for char in text)


def shown_text(tag: Tag, allow_empty: bool = False) -> str:
    """The element's text as a reader sees it; "" when it is only spaces and punctuation (unless
    `allow_empty`: then as it is)."""
    text = visible_text(tag)
    return text if allow_empty or meaningful(text) else ""


def filled(tag: Tag) -> bool:
    """Whether the element holds something a reader sees or uses (see the module docstring)."""
    name = (tag.name or "").lower()
    if name in NEVER_CONTENT or name in CONTENT_BY_ITSELF:
        return True
    if meaningful(visible_text(tag)):
        return True
    return tag.find(list(CONTENT_BY_ITSELF)) is not None


def words(text: str) -> list[str]:
    """The words of a text: runs of letters and digits."""
    return WORD.findall(text)


def alt_problem(alt: str, src: str | None) -> str | None:
    """Why `alt` does not describe the picture at `src` ("is the file name", ...), or None when it does."""
    text = " ".join(alt.split())
    if not meaningful(text):
        return "is empty"
    if FILE_LIKE.match(text) or IMAGE_SUFFIX.search(text):
        return f'is a file name ("{text}"), not a description'
    if src:
        stem = IMAGE_SUFFIX.sub("", posixpath.basename(unquote(urlsplit(src.strip()).path)))
        if stem and stem.casefold() == text.casefold():
            return f'is the picture\'s file name ("{text}"), not a description'
    if _plain(text).replace(" ", "-") in PLACEHOLDER_ALTS:
        return f'only says "{text}", not what the picture shows'
    return None


def _plain(text: str) -> str:
    return " ".join(words(text.casefold()))


def link_target_problem(soup: BeautifulSoup, link: Tag, page: str | None,
                        site: frozenset[str] | None) -> str | None:
    """Why the link `link` leads nowhere, or None when its target exists. `page` is where the link is
    (for relative paths), `site` the learner's files (None: files cannot be checked here)."""
    href = attribute(link, "href")
    if href is None or not href.strip():
        return "has no href, so it leads nowhere"
    parts = urlsplit(href.strip())
    if parts.scheme in ("http", "https") or parts.netloc:
        return f'goes to another site ("{href.strip()}"), which cannot be reached here'
    if parts.scheme in ("javascript", "data"):
        return f'does not go to a page ("{href.strip()[:40]}")'
    if parts.scheme:
        return None  # mailto:, tel:: they go where they say
    if not parts.path:
        return _anchor_problem(soup, link, unquote(parts.fragment))
    if site is None:
        return None
    folder = posixpath.dirname(page or "")
    path = unquote(parts.path)
    target = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path))
    if target.endswith("/") or target in (".", ""):
        target = posixpath.join(target, "index.html")
    if target in site:
        return None
    return f'goes to "{path}", but there is no such file in your work'


def _anchor_problem(soup: BeautifulSoup, link: Tag, fragment: str) -> str | None:
    if not fragment:
        return 'goes to "#", which is the top of the same page, not a part of it'
    target = soup.find(id=fragment)
    if target is None:
        target = soup.find("a", attrs={"name": fragment})
    if not isinstance(target, Tag):
        return f'goes to "#{fragment}", but no element on the page has id="{fragment}"'
    if target is link or any(parent is target for parent in link.parents):
        return f'goes to "#{fragment}", which is the link itself: give the id to the part it should jump to'
    if not filled(target):
        return f'goes to "#{fragment}", which is empty'
    return None

"""The `structure:` assertions: the parts every well-formed, accessible page needs.

Decisions, for the authoring guide:
- `doctype`: the page starts with `<!DOCTYPE html>` (any case). An older doctype fails, with a message
  that shows the modern one.
- `lang`: `<html lang="...">` with a non-blank value.
- `title`: a non-blank `<title>` inside `<head>`. A title the learner wrote before the body content is in
  `<head>` even without a `<head>` tag, as in the browser.
- `img-alt`: every `<img>` has an `alt` attribute that describes it: not a file name (`cat.svg`, the
  picture's own name), not a word that only says "picture" (grader/markup/meaning.py). An empty
  `alt=""` is allowed only together with `role="presentation"` (or its synonym `role="none"`): that is
  how a beginner states on purpose that a picture is decoration.
- `input-labels`: every form field a person fills in (`<input>` except types hidden, submit, reset,
  button and image; `<select>`; `<textarea>`; nothing with the `hidden` attribute) has a label with
  words in it: a `<label for="its id">`, a `<label>` around it, an `aria-label`, or an
  `aria-labelledby` that names an element on the page. A `placeholder` is not a label, and neither is
  an empty `<label>` (or one of only punctuation).
"""

from __future__ import annotations

from typing import Literal

from bs4 import BeautifulSoup, Doctype, Tag

from grader.markup.document import attribute, line_of, visible_text
from grader.markup.meaning import alt_problem, meaningful

StructureName = Literal["doctype", "lang", "title", "img-alt", "input-labels"]

STRUCTURE_TITLES: dict[str, str] = {
    "doctype": "The page starts with <!DOCTYPE html>",
    "lang": "The <html> tag says which language the page is in",
    "title": "The page has a <title>",
    "img-alt": "Every <img> has alt text",
    "input-labels": "Every form field has a label",
}
SHOWN_PROBLEMS = 3
HTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
UNLABELLED_INPUT_TYPES = frozenset({"hidden", "submit", "reset", "button", "image"})
DECORATIVE_ROLES = frozenset({"presentation", "none"})


def structure_problem(soup: BeautifulSoup, name: StructureName) -> str | None:
    """What is wrong with the page for the structure rule `name`, or None when it holds."""
    return _CHECKS[name](soup)


def _doctype(soup: BeautifulSoup) -> str | None:
    doctype = next((node for node in soup.contents if isinstance(node, Doctype)), None)
    if doctype is None:
        return "Your page does not start with <!DOCTYPE html>. Add it as the very first line."
    if str(doctype).strip().lower() != "html":
        return (
            f"Your page starts with <!DOCTYPE {doctype}>, an old kind of page. Use <!DOCTYPE html> instead."
        )
    return None


def _lang(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    lang = attribute(html, "lang") if isinstance(html, Tag) else None
    if lang is None:
        return 'The <html> tag has no lang attribute. Write <html lang="en"> (or your page\'s language code).'
    if not lang.strip():
        return 'The lang attribute of <html> is empty. Write the language code, like <html lang="en">.'
    return None


def _title(soup: BeautifulSoup) -> str | None:
    head = soup.find("head")
    title = head.find("title") if isinstance(head, Tag) else None
    if not isinstance(title, Tag):
        elsewhere = [tag for tag in _html_tags(soup, "title")]
        if elsewhere:
            return "Your <title> is inside <body>: move it into <head>."
        return "Your page has no <title>. Add <title>...</title> inside <head>."
    if not visible_text(title):
        return "Your <title> is empty. Write the name of the page between <title> and </title>."
    return None


def _img_alt(soup: BeautifulSoup) -> str | None:
    problems: list[str] = []
    for img in _html_tags(soup, "img"):
        alt = attribute(img, "alt")
        role = (attribute(img, "role") or "").strip().lower()
        where = _where(img)
        if alt is None:
            problems.append(
                f"The <img>{where} has no alt text: describe the picture for people who cannot see it."
            )
        elif not alt.strip() and role not in DECORATIVE_ROLES:
            problems.append(
                f"The <img>{where} has an empty alt text: describe the picture, or add "
                'role="presentation" if it is only decoration.'
            )
        elif alt.strip():
            problem = alt_problem(alt, attribute(img, "src"))
            if problem is not None:
                problems.append(f"The alt text of the <img>{where} {problem}: describe in words what the "
                                "picture shows.")
    return _summarise(problems)


def _input_labels(soup: BeautifulSoup) -> str | None:
    labels = [label for label in _html_tags(soup, "label") if meaningful(_label_words(label))]
    label_targets = {attribute(label, "for") for label in labels} - {None, ""}
    problems: list[str] = []
    for field in _html_tags(soup, "input", "select", "textarea"):
        if not _needs_label(field) or _is_labelled(soup, field, label_targets):
            continue
        name = attribute(field, "name") or attribute(field, "id")
        named = f' (name="{name}")' if name else ""
        problems.append(f"The <{field.name}>{_where(field)}{named} has no label.")
    summary = _summarise(problems)
    if summary is None:
        return None
    return summary + ' Add a <label for="..."> that names the field\'s id, or put the field inside a <label>.'


def _needs_label(field: Tag) -> bool:
    if attribute(field, "hidden") is not None:
        return False
    kind = (attribute(field, "type") or "text").strip().lower()
    return field.name != "input" or kind not in UNLABELLED_INPUT_TYPES


def _is_labelled(soup: BeautifulSoup, field: Tag, label_targets: set[str | None]) -> bool:
    if attribute(field, "id") in label_targets:
        return True
    if meaningful(attribute(field, "aria-label") or ""):
        return True
    for label_id in (attribute(field, "aria-labelledby") or "").split():
        named = soup.find(id=label_id)
        if isinstance(named, Tag) and meaningful(visible_text(named)):
            return True
    return any(parent.name == "label" and meaningful(_label_words(parent)) for parent in field.parents)


def _label_words(label: Tag) -> str:
    """A label's own words: its text without the text of the fields inside it (a select's options)."""
    skipped = ("select", "textarea", "option", "script", "style")
    return " ".join(
        str(text) for text in label.find_all(string=True)
        if not any(parent.name in skipped for parent in text.parents)
    )


def _html_tags(soup: BeautifulSoup, *names: str) -> list[Tag]:
    """HTML elements only: an SVG <title> is not the page's title."""
    return [tag for tag in soup.find_all(list(names)) if tag.namespace in (None, HTML_NAMESPACE)]


def _where(tag: Tag) -> str:
    line = line_of(tag)
    return f" on line {line}" if line else ""


def _summarise(problems: list[str]) -> str | None:
    if not problems:
        return None
    shown = " ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return shown + (f" ({more} more like this.)" if more > 0 else "")


_CHECKS = {
    "doctype": _doctype,
    "lang": _lang,
    "title": _title,
    "img-alt": _img_alt,
    "input-labels": _input_labels,
}

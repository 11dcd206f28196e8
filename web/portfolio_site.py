"""A portfolio as a small static website: plain HTML and CSS that any browser opens from a USB stick,
with no script at all, and `print.html`, one self-contained page that Chromium prints to the PDF.

    index.html                 about the learner, and each piece with its line and what it passed
    pieces/<track>-<slug>.html one piece: its page (in a frame that runs no script), pictures, code
    pieces/<track>-<slug>/...  the learner's files as they sent them
    pictures/<...>.png         the pictures the browser checks took (PNG encoded again by the grader)
    record.html                the record of completion, its check code and how to check it
    print.html                 everything above on one page, for the PDF
    style.css
    CONTENTS.txt               every file of the export and what it is

Code is highlighted here, on the server, by Pygments. Every text the learner wrote is escaped by Jinja:
no HTML of theirs is in these pages, only in their own files, which the pages frame with `sandbox`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from web.portfolio_content import Picture, PortfolioContent

TEMPLATES = Path(__file__).resolve().parent / "templates" / "export"
FORMATTER = HtmlFormatter(cssclass="hl", style="default")
HIGHLIGHT_MAX = 200_000  # characters: a longer file is shown as plain text
PRINTED_LINES = 60  # of each file in the PDF: the website has the rest (a long listing is slow to print)
ADDED_ON_APPROVAL = {
    "record.json": "the record of completion above, signed with the site's key (check it: grader verify)",
    "site-key.pub": "the site's public key, to check record.json with",
    "portfolio.pdf": "print.html printed to PDF",
}
_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                           keep_trailing_newline=True)


@dataclass(frozen=True)
class RecordView:
    """What the pages say about the record: its payload and the code to read out by phone."""

    payload: dict[str, Any]
    check_code: str
    site_key: str


def safe_path(path: str) -> str | None:
    """`path` if it is a plain relative file name (the intake allows no other), else None."""
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or ".." in pure.parts or str(pure) != path or "\\" in path:
        return None
    return path


def _lexer(path: str, text: str) -> Lexer:
    try:
        return get_lexer_for_filename(path, text)
    except ClassNotFound:
        return TextLexer()


def highlighted(path: str, text: str) -> Markup:
    """The file as highlighted HTML (Pygments escapes every character of it)."""
    lexer = _lexer(path, text) if len(text) <= HIGHLIGHT_MAX else TextLexer()
    return Markup(highlight(text, lexer, FORMATTER))  # noqa: S704 - Pygments' output escapes the text


def printed(text: str) -> tuple[str, int]:
    """The first lines of a file for the PDF, and how many lines are left out."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:PRINTED_LINES]), max(0, len(lines) - PRINTED_LINES)


def _render(name: str, **context: Any) -> bytes:
    return _environment.get_template(name).render(**context).encode()


def style_css() -> str:
    highlighting: str = FORMATTER.get_style_defs(".hl")
    return (TEMPLATES / "style.css").read_text() + "\n" + highlighting + "\n"


def build_site(content: PortfolioContent, record: RecordView) -> dict[str, bytes]:
    """Every file of the portfolio's website, by path."""
    files: dict[str, bytes] = {}
    pictures: dict[str, list[tuple[str, Picture]]] = {}
    for piece in content.pieces:
        for path, text in piece.files.items():
            if safe_path(path):
                files[f"pieces/{piece.slug}/{path}"] = text.encode()
        names = []
        for number, picture in enumerate(piece.pictures, start=1):
            name = f"pictures/{piece.slug}-{number}.png"
            files[name] = picture.png
            names.append((name, picture))
        pictures[piece.key] = names
    css = style_css()
    files["style.css"] = css.encode()
    context = {"content": content, "record": record, "pictures": pictures, "highlighted": highlighted,
               "safe_path": safe_path, "printed": printed}
    files["index.html"] = _render("index.html", root="", **context)
    for piece in content.pieces:
        files[f"pieces/{piece.slug}.html"] = _render("piece.html", root="../", piece=piece, **context)
    files["record.html"] = _render("record.html", root="", **context)
    inline = {name: "data:image/png;base64," + base64.b64encode(data).decode("ascii")
              for name, data in files.items() if name.endswith(".png")}
    files["print.html"] = _render("print.html", css=Markup(css), inline=inline, **context)  # noqa: S704
    files["CONTENTS.txt"] = contents_list(content, files)
    return files


def contents_list(content: PortfolioContent, files: dict[str, bytes]) -> bytes:
    lines = [f"The portfolio of {content.name}: every file it holds.", "",
             "SHA-256                                                           bytes  file"]
    for path in sorted(files):
        lines.append(f"{hashlib.sha256(files[path]).hexdigest()}  {len(files[path]):>9}  {path}")
    lines.append(f"{'(this list)':<64}  {'':>9}  CONTENTS.txt")
    lines += ["", "Added when an instructor approved the export:"]
    lines += [f"  {name}: {what}" for name, what in ADDED_ON_APPROVAL.items()]
    return ("\n".join(lines) + "\n").encode()


def to_zip(files: dict[str, bytes], folder: str = "") -> bytes:
    """The files as a zip with fixed dates, so the same files always make the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{folder}{path}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()


def from_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}

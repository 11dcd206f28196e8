"""grader/htmldoc.py: decoding like a browser, parsing like a browser, and staying up on hostile pages."""

from __future__ import annotations

import codecs
import time

import pytest

from grader.learnertext import text_problem
from grader.markup.document import UncheckablePage, decode_html, line_of, parse_page, visible_text


def test_utf8_is_the_default_and_bad_bytes_become_replacement_characters() -> None:
    assert decode_html("<p>café</p>".encode()) == "<p>café</p>"
    assert decode_html(b"<p>caf\xe9</p>") == "<p>caf\ufffd</p>"


def test_a_byte_order_mark_wins() -> None:
    assert decode_html(codecs.BOM_UTF16_LE + "<p>é</p>".encode("utf-16-le")) == "<p>é</p>"


def test_a_meta_charset_is_honoured() -> None:
    page = '<meta charset="windows-1252"><p>caf\xe9</p>'.encode("latin-1")
    assert "café" in decode_html(page)


def test_a_meta_claiming_utf16_means_utf8() -> None:
    assert "é" in decode_html('<meta charset="utf-16"><p>é</p>'.encode())


def test_the_tree_is_the_browsers() -> None:
    soup = parse_page("<title>T</title><p>one<div>two</div>")
    assert soup.head is not None and soup.head.title is not None
    paragraph = soup.find("p")
    assert paragraph is not None and paragraph.find("div") is None  # the <div> closed the <p>


def test_line_numbers_are_where_the_tag_is_written() -> None:
    soup = parse_page("<!DOCTYPE html>\n<h1>A</h1>\n\n<img src=x>")
    h1, img = soup.find("h1"), soup.find("img")
    assert h1 is not None and img is not None
    assert (line_of(h1), line_of(img)) == (2, 4)


def test_visible_text_reads_like_a_person() -> None:
    soup = parse_page(
        "<h1>My<br>Dog</h1><p><b>Hi</b>!<script>var x</script>&nbsp; there</p><ul><li>a</li><li>b</li></ul>"
    )
    texts = [visible_text(tag) for tag in soup.find_all(["h1", "p", "ul"])]
    assert texts == ["My Dog", "Hi! there", "a b"]


@pytest.mark.parametrize(
    "hostile",
    [
        "<div>" * 5000,
        "<b>x" * 9000,
        "<b><p>x" * 4000,
        "<ul><li>" * 4000,
        "<table>" + "x<div>" * 9000,
        "&" * 99000,
        "<a " + "b=c " * 20000,
        "x" * 200_000,
        "<" * 30_000,
    ],
)
def test_hostile_pages_are_refused_or_parsed_quickly(hostile: str) -> None:
    started = time.monotonic()
    try:
        parse_page(hostile)
    except UncheckablePage as problem:
        assert "too" in str(problem)
    assert time.monotonic() - started < 10


def test_text_problems() -> None:
    assert (
        text_problem("", "index.html")
        == "index.html is empty: write your code in it, save it, then submit again."
    )
    assert text_problem("  \n", "a.css") is not None
    assert "not a plain text file" in (text_problem("PK\x03\x04\x00\x00", "index.html") or "")
    assert text_problem("<p>fine</p>", "index.html") is None

"""grader/browser/pictures.py: pictures from a sandbox are re-encoded on the host and capped; the
comparison counts the share of the picture that differs."""

from __future__ import annotations

import base64
import io
import random

from PIL import Image

from grader.browser.facts import Box
from grader.browser.pictures import OUTLINE, clean_png, difference, outlined


def png(image: Image.Image, kind: str = "PNG") -> str:
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_picture_is_re_encoded_never_passed_through() -> None:
    original = png(Image.new("RGBA", (40, 30), (255, 0, 0, 255)))
    cleaned = clean_png(original)
    assert cleaned is not None and cleaned != original
    decoded = Image.open(io.BytesIO(base64.b64decode(cleaned)))
    assert (decoded.format, decoded.mode, decoded.size) == ("PNG", "RGB", (40, 30))


def test_a_large_picture_is_shrunk_until_it_fits() -> None:
    noise = Image.frombytes("RGB", (600, 600), random.Random(1).randbytes(600 * 600 * 3))
    cleaned = clean_png(png(noise), max_bytes=100_000)
    assert cleaned is not None and len(base64.b64decode(cleaned)) <= 100_000
    assert Image.open(io.BytesIO(base64.b64decode(cleaned))).width < 600


def test_what_is_not_a_sane_png_is_dropped() -> None:
    assert clean_png("not base64!") is None
    assert clean_png(base64.b64encode(b"<svg onload=alert(1)>").decode()) is None
    assert clean_png(png(Image.new("RGB", (10, 10)), "GIF")) is None  # a GIF is not a PNG
    assert clean_png(png(Image.new("1", (5000, 10)))) is None  # wider than any screenshot
    assert clean_png(None) is None and clean_png("") is None


def test_the_same_picture_differs_nowhere_and_a_pale_colour_on_white_counts() -> None:
    white = Image.new("RGB", (100, 100), "white")
    half = white.copy()
    half.paste(Image.new("RGB", (100, 50), "lightyellow"), (0, 0))
    assert difference(png(white), png(white)) == 0.0
    assert difference(png(half), png(white)) == 0.5


def test_a_picture_is_scaled_to_the_references_width_and_a_taller_page_differs_below() -> None:
    reference = Image.new("RGB", (100, 100), "white")
    bigger = Image.new("RGB", (200, 200), "white")
    taller = Image.new("RGB", (100, 150), "navy")
    taller.paste(reference, (0, 0))
    assert difference(png(bigger), png(reference)) == 0.0
    assert difference(png(taller), png(reference)) == 50 / 150
    assert difference("junk", png(reference)) is None


def test_the_element_of_a_failing_check_is_outlined_where_it_is() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(buffer, format="PNG")  # a page 1200 px wide, taken at half
    marked = outlined(base64.b64encode(buffer.getvalue()).decode(), [Box(100, 100, 200, 50)], 1200)
    image = Image.open(io.BytesIO(base64.b64decode(str(marked)))).convert("RGB")
    assert image.getpixel((49, 60)) == OUTLINE  # the left edge, around the box at (50, 50)-(150, 75)
    assert image.getpixel((100, 60)) == (255, 255, 255)  # the element itself is not covered
    assert image.getpixel((300, 300)) == (255, 255, 255)
    assert outlined("not a picture", [Box(0, 0, 1, 1)], 1200) == "not a picture"  # clean_png refuses it later

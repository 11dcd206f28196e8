"""Screenshots on the host: made safe and small for the result, and compared with the reference's.

A screenshot comes out of a container that ran learner code, so it is untrusted bytes. It is decoded
only after its header says it is a PNG of sane dimensions, and what the result keeps is a fresh PNG
that Pillow encoded here, never the bytes that came out.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageDraw

from grader.browser.facts import Box

OUTLINE = (214, 0, 28)
OUTLINE_EDGE = (255, 255, 255)
MAX_BYTES = 200 * 1024
"""A picture in a result is at most this large (PNG bytes, before base64)."""
MAX_SIDE = 4096
MAX_PIXELS = 2048 * 4096
DIFFERENT = 16
"""A pixel counts as different when a colour channel differs by more than this (of 255): a pale colour
on white does (lightyellow is 31 from white); the blur of scaling a picture to the reference's size
rarely does. The same page renders to the same pixels: equivalent CSS differs by 0."""


def clean_png(data_base64: object, max_bytes: int = MAX_BYTES) -> str | None:
    """A fresh PNG (base64) of the picture in `data_base64`, shrunk until it fits `max_bytes`;
    None when it is not a sane PNG."""
    image = _open(data_base64)
    if image is None:
        return None
    for _ in range(6):
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        if buffer.tell() <= max_bytes:
            return base64.b64encode(buffer.getvalue()).decode("ascii")
        width, height = image.size
        image = image.resize((max(1, width * 3 // 4), max(1, height * 3 // 4)), Image.Resampling.LANCZOS)
    return None


def outlined(data_base64: object, boxes: Sequence[Box], page_width: float) -> object:
    """The picture in `data_base64` with each box of the page (CSS pixels of a page `page_width` wide)
    outlined, so the element a failing check is about stands out; the input as it was when it is not a
    sane PNG or there is nothing to outline (clean_png judges it afterwards)."""
    image = _open(data_base64) if boxes else None
    if image is None or page_width <= 0:
        return data_base64
    scale = image.width / page_width
    draw = ImageDraw.Draw(image)
    for box in boxes:
        left, top = box.x * scale, box.y * scale
        right, bottom = left + max(box.width * scale, 1), top + max(box.height * scale, 1)
        for gap, colour in ((0, OUTLINE), (3, OUTLINE_EDGE)):  # red, with white around it on any page
            draw.rectangle((left - 2 - gap, top - 2 - gap, right + 2 + gap, bottom + 2 + gap),
                           outline=colour, width=3 if gap == 0 else 1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def difference(picture_base64: str, reference_base64: str) -> float | None:
    """The share (0 to 1) of the reference's area where `picture` differs, after scaling it to the
    reference's width; a page taller or shorter than the reference differs where the other has
    nothing. None when either is not a picture."""
    picture, reference = _open(picture_base64), _open(reference_base64)
    if picture is None or reference is None:
        return None
    width = reference.width
    if picture.width != width:
        height = max(1, round(picture.height * width / picture.width))
        picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    height = max(picture.height, reference.height)
    canvas = [Image.new("RGB", (width, height), "white") for _ in range(2)]
    canvas[0].paste(picture, (0, 0))
    canvas[1].paste(reference, (0, 0))
    bands = ImageChops.difference(canvas[0], canvas[1]).split()
    strongest = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    histogram = strongest.point(lambda value: 255 if value > DIFFERENT else 0).histogram()
    return histogram[255] / (width * height)


def _open(data_base64: object) -> Image.Image | None:
    if not isinstance(data_base64, str) or not data_base64:
        return None
    try:
        raw = base64.b64decode(data_base64, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
            width, height = image.size
            if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE and width * height <= MAX_PIXELS):
                return None
            return image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None

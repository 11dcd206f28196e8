"""The pictures the guides show (docs/images), taken afresh by the browser tests that drive each view.
With GRADER_DOCS_PICTURES=1 a test keeps them there, reduced to 256 colours (plenty for a page, and a
third of the size in the repository)."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "images"


def keep_for_the_guide(shot: Path) -> None:
    """Copy the screenshot `shot` to docs/images when pictures for the guides are asked for."""
    if not os.environ.get("GRADER_DOCS_PICTURES"):
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    with Image.open(shot) as image:
        small = image.convert("RGB").quantize(256, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        small.save(FOLDER / shot.name, optimize=True)

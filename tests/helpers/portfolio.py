"""Portfolio test data: graded attempts with code and a browser check's picture, as the worker leaves
them, and reading what a portfolio's pages and PDF show."""

from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Submission, User, utcnow
from tests.helpers.site import Browser

PAGE_HTML = ("<!doctype html><title>Mine</title><h1>Welcome to my page</h1>"
             "<script>document.title = 'SCRIPT RAN'</script>\n")
PAGE_JS = "document.body.append('SCRIPT RAN');\n"
GREET = "name = input()\nprint(f'Hello, {name}!')  # <b>bold</b>\n"
PICTURE_COLOUR = (220, 40, 40)
ABOUT = "I like making pages that load fast. <script>alert(1)</script>"


def picture_png(colour: tuple[int, int, int] = PICTURE_COLOUR) -> str:
    """A 600x400 page picture (base64 PNG): white, with a solid coloured heading band."""
    image = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 560, 160), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def graded_page(session: Session, username: str, passed: bool = True) -> Submission:
    """A graded attempt at the fixture exercise `web/page`, with its browser check's picture."""
    status = "pass" if passed else "fail"
    checks = [
        {"id": "script-1", "title": "Has the Welcome heading", "kind": "script", "status": status,
         "score": 1.0 if passed else 0.0, "max_score": 1.0, "message": "", "hint": "", "output": "",
         "tests": [], "hidden": False},
        {"id": "browser-1", "title": "The heading is on the screen", "kind": "browser", "status": "pass",
         "score": 1.0, "max_score": 1.0, "message": "", "hint": "", "output": "", "tests": [],
         "hidden": False, "images": [{"viewport": "1200x800", "png_base64": picture_png()}]},
    ]
    score = 2.0 if passed else 1.0
    result = {"format": 1, "exercise": "web/page", "status": status, "score": score, "max_score": 2.0,
              "duration_s": 0.5, "checks": checks, "message": "",
              "provenance": {"exercise_sha256": "ab" * 32, "image": "sha256:x", "grader_version": "t"}}
    submission = Submission(user_id=_user(session, username).id, exercise_key="web/page",
                            files={"index.html": PAGE_HTML, "page.js": PAGE_JS}, status="done",
                            result=result, score=score, max_score=2.0, finished_at=utcnow())
    session.add(submission)
    session.commit()
    return submission


def graded_greet(session: Session, username: str) -> Submission:
    """A full-marks attempt at `python/greet` whose code has characters HTML must escape."""
    check = {"id": "io-1", "title": "Says hello", "kind": "io", "status": "pass", "score": 1.0,
             "max_score": 1.0, "message": "", "hint": "", "output": "", "tests": [], "hidden": False}
    hidden = {**check, "id": "io-2", "title": "Secret check", "hidden": True}
    result = {"format": 1, "exercise": "python/greet", "status": "pass", "score": 2.0, "max_score": 2.0,
              "duration_s": 0.5, "checks": [check, hidden], "message": "",
              "provenance": {"exercise_sha256": "cd" * 32, "image": "sha256:x", "grader_version": "t"}}
    submission = Submission(user_id=_user(session, username).id, exercise_key="python/greet",
                            files={"greet.py": GREET}, status="done", result=result, score=2.0,
                            max_score=2.0, finished_at=utcnow())
    session.add(submission)
    session.commit()
    return submission


def choose(browser: Browser, keys: list[str], about: str = ABOUT,  # type: ignore[no-untyped-def]
           lines: dict[str, str] | None = None):
    """Save the portfolio form as the learner would: `keys` ticked, a line for each exercise."""
    page = browser.get("/portfolio/").get_data(as_text=True)
    form: dict[str, object] = {"about": about}
    index = 0
    while f'name="key-{index}" value="' in page:
        key = page.split(f'name="key-{index}" value="', 1)[1].split('"', 1)[0]
        form[f"key-{index}"] = key
        form[f"line-{index}"] = (lines or {}).get(key, f"Line about {key}")
        if key in keys:
            form[f"pick-{index}"] = "1"
        index += 1
    return browser.post("/portfolio/", form)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_pages(pdf: Path, folder: Path) -> list[Path]:
    """Each page of the PDF as a PNG (pdftoppm, 60 dots per inch)."""
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "page")], check=True,
                   capture_output=True)
    return sorted(folder.glob("page*.png"))


def has_colour(png: Path, colour: tuple[int, int, int] = PICTURE_COLOUR, tolerance: int = 30,
               at_least: int = 200) -> bool:
    """Whether the picture has at least `at_least` pixels close to `colour`."""
    with Image.open(png) as image:
        bands = image.convert("RGB").split()
    masks = [band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0)
             for band, c in zip(bands, colour, strict=True)]
    both = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    return both.histogram()[255] >= at_least

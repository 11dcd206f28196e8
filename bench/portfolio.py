"""Benchmark: what a portfolio costs the site: building its website (Pygments included) and printing
its PDF with Chromium, for a full portfolio (12 pieces, each a page of about 150 lines of HTML, CSS and
JavaScript and a 800x533 picture).

    .venv/bin/python bench/portfolio.py [--runs 5]

It prints p50 and the slowest run of each, and the sizes of the website, its zip and the PDF. Targets:
a build well under a second (a learner's employer view and a request make one), and a PDF well under
the 25 s an approval may wait for Chromium.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from store.models import utcnow  # noqa: E402
from web.portfolio_content import Picture, Piece, PortfolioContent  # noqa: E402
from web.portfolio_site import RecordView, build_site, to_zip  # noqa: E402
from web.printing import print_pdf  # noqa: E402

BUILD_TARGET_S = 1.0
PRINT_TARGET_S = 25.0


def picture() -> bytes:
    image = Image.new("RGB", (800, 533), "white")
    draw = ImageDraw.Draw(image)
    for row in range(0, 533, 40):
        draw.rectangle((20, row + 5, 780, row + 30), fill=(40 + row % 200, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def content() -> PortfolioContent:
    sections = "".join(f"  <section id='s{n}'><h2>Part {n}</h2><p>Text {n}</p></section>\n"
                       for n in range(50))
    html = "<!doctype html>\n<main>\n" + sections + "</main>\n"
    css = "".join(f".part-{n} {{ color: #{n:02x}3366; margin: {n}px; }}\n" for n in range(50))
    js = "".join(f"document.getElementById('s{n}').addEventListener('click', () => show({n}));\n"
                 for n in range(50))
    shot = picture()
    pieces = [Piece(key=f"web/piece-{n}", title=f"Piece {n}", track="web", line=f"What piece {n} does",
                    submission_id=n, files={"index.html": html, "style.css": css, "app.js": js},
                    finished_at=utcnow(), score=10.0, max_score=10.0,
                    passed=["Has a heading", "Looks right"], not_passed=[],
                    pictures=[Picture("Looks right", "1200x800", shot)], exercise_sha256="ab" * 32)
              for n in range(12)]
    return PortfolioContent("A Learner", "I build pages.", pieces)


def record() -> RecordView:
    payload = {"site": {"name": "Bench", "key": "SHA256:0000"}, "learner": {"name": "A Learner"},
               "made_at": utcnow().isoformat(), "summary": {"completed": 12, "attempted": 12},
               "curriculum": {"version": "abc", "exercises": 30},
               "exercises": [{"exercise": f"web/piece-{n}", "title": f"Piece {n}", "score": 10.0,
                              "max_score": 10.0, "completed": True, "date": "2026-12-01",
                              "exercise_version": "ab",
                              "changed_by_instructor": False} for n in range(12)]}
    return RecordView(payload, "SHA256:0000 / 1111-2222-3333-4444", "SHA256:0000")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    portfolio, view = content(), record()
    builds, prints = [], []
    files: dict[str, bytes] = {}
    pdf = b""
    for _ in range(args.runs):
        started = time.perf_counter()
        files = build_site(portfolio, view)
        builds.append(time.perf_counter() - started)
    for _ in range(args.runs):
        started = time.perf_counter()
        pdf = print_pdf(files["print.html"], args.chromium)
        prints.append(time.perf_counter() - started)
    size = sum(len(data) for data in files.values())
    print(f"website: {len(files)} files, {size / 1e6:.2f} MB, zip {len(to_zip(files)) / 1e6:.2f} MB; "
          f"PDF {len(pdf) / 1e6:.2f} MB")
    print(f"build  p50 {statistics.median(builds):.3f} s, slowest {max(builds):.3f} s "
          f"(target < {BUILD_TARGET_S} s)")
    print(f"print  p50 {statistics.median(prints):.2f} s, slowest {max(prints):.2f} s "
          f"(target < {PRINT_TARGET_S} s)")


if __name__ == "__main__":
    main()

"""Print a page to PDF with the machine's Chromium (`--headless --print-to-pdf`), in its own process.

Only pages this site made are printed: `print.html` of a portfolio, whose learner text Jinja escaped,
whose code Pygments escaped and whose pictures the grader encoded again, all already reviewed. The
page carries a policy that loads nothing (`default-src 'none'`: no script runs, nothing is fetched;
pictures and styles are inside it), Chromium runs with a throwaway profile, no name resolution and a
deadline, and what it writes is checked to be a PDF of sane size before anyone gets it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

PRINT_TIMEOUT_S = 25  # within gunicorn's 30 s for a request: the approval answers either way
MAX_PDF_BYTES = 64 * 1024 * 1024


class PrintError(Exception):
    """The PDF could not be made; the message says why and what to do."""


def chromium_command(chromium: str, page: Path, out: Path, profile: Path) -> list[str]:
    return [
        chromium, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--mute-audio",
        # Its own sandbox needs user namespaces it may not have as root; the page runs no script.
        "--no-sandbox",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # even a bug that fetched something finds no host
        # Tags make every highlighted token of code a node of the PDF: 5 MB and 5 s instead of 0.4 MB
        # and 3 s for a full portfolio (bench/portfolio.py). The website is the accessible version.
        "--disable-pdf-tagging",
        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri(),
    ]


def print_pdf(html: bytes, chromium: str, timeout_s: float = PRINT_TIMEOUT_S) -> bytes:
    """The PDF Chromium prints of the self-contained page `html`.

    Raises:
        PrintError: Chromium is missing, failed, took too long or wrote no PDF.
    """
    if not Path(chromium).exists():
        raise PrintError(f"Chromium is not installed at {chromium}: install Debian's chromium package "
                         "(or set GRADER_CHROMIUM) to make PDFs")
    with tempfile.TemporaryDirectory(prefix="grader-print-") as folder:
        root = Path(folder)
        page, out = root / "print.html", root / "portfolio.pdf"
        page.write_bytes(html)
        command = chromium_command(chromium, page, out, root / "profile")
        kept = ("PATH", "LANG", "HOME", "TMPDIR")
        env = {name: value for name, value in os.environ.items() if name in kept}
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout_s, env=env,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PrintError(f"Chromium did not finish the PDF in {timeout_s:.0f} s: try again when the "
                             "server is less busy") from None
        except OSError as error:
            raise PrintError(f"Chromium could not start ({error})") from None
        if not out.is_file():
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PrintError(f"Chromium wrote no PDF (exit {done.returncode}): {' / '.join(tail)}")
        pdf = out.read_bytes()
    if not pdf.startswith(b"%PDF-") or len(pdf) > MAX_PDF_BYTES:
        raise PrintError("Chromium wrote something that is not a PDF of sane size")
    return pdf

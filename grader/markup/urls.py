"""URLs as a browser resolves them, for comparing what a learner wrote with what an exercise expects."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def normalize_url(url: str) -> str:
    """The parts of a URL a browser ignores, dropped: "./a.html" == "a.html", "%20" == " "."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path)
    while path.startswith("./") and len(path) > 2:
        path = path[2:]
    path = path.replace("/./", "/")
    if parts.netloc and not path:
        path = "/"
    scheme = f"{parts.scheme.lower()}:" if parts.scheme else ""
    host = f"//{parts.netloc.lower()}" if parts.netloc else ""
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{unquote(parts.fragment)}" if parts.fragment else ""
    return scheme + host + path + query + fragment

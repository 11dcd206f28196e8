"""Which section of the top bar a page is in, for the bar to mark it (`aria-current`).

A page is in the section of its blueprint (the catalogue is a section of its own). A learner's attempt
and a learner's overview opened by staff are in no section of their own: they belong to the staff section
staff came from (the class view, the list of learners, the administrator's pages...). That section is
kept in the session as staff move around: the section of the staff page they are on, or else of the
staff page that linked to this one (the Referer), so a chain of links (class view, then an attempt, then
the attempt before it) stays in the class view.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session
from werkzeug.exceptions import HTTPException

from web.auth import STAFF, wants_json

BY_BLUEPRINT = {"learner": "exercises", "portfolio": "portfolio", "classroom": "class", "roster": "learners",
                "portfolio_review": "exports", "admin": "admin"}
BY_ENDPOINT = {"instructor.catalogue": "catalogue"}
STAFF_SECTIONS = ("class", "learners", "catalogue", "exports", "admin")
DEFAULT_STAFF_SECTION = "class"
KEY = "section"


def section_of(endpoint: str | None) -> str | None:
    """The section of the page `endpoint` (None: in none of its own)."""
    if endpoint is None:
        return None
    return BY_ENDPOINT.get(endpoint) or BY_BLUEPRINT.get(endpoint.partition(".")[0])


def staff_section() -> str:
    """The section of a page staff open from several sections: the staff section they came from."""
    kept = session.get(KEY)
    return kept if kept in STAFF_SECTIONS else DEFAULT_STAFF_SECTION


def _linked_from() -> str | None:
    """The section of the page of this site that linked here, if the browser said which (same origin)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(referrer.path, method="GET")
    except HTTPException:  # not a page of this site (or one that redirects)
        return None
    return section_of(str(endpoint))


def remember_staff_section() -> None:
    """Keep the staff section a staff member is in (the session changes only when it does). Only pages
    count: a page's own scripts (the class view's panels and its stream, which go on in a tab left
    open) say nothing of where the staff member went since."""
    if request.method != "GET" or wants_json() or g.get("user") is None or g.user.role not in STAFF:
        return
    here = section_of(request.endpoint)
    found = here if here in STAFF_SECTIONS else _linked_from()
    if found in STAFF_SECTIONS and session.get(KEY) != found:
        session[KEY] = found


def init_app(app: Flask) -> None:
    app.before_request(remember_staff_section)  # after auth's load_user, which sets g.user
    app.jinja_env.globals["section_of"] = section_of

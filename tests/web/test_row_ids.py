"""Every address with a row id in it answers "not found" for an id no row can have, however large,
never a server error (the database driver cannot take a number past 64 bits)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.helpers.site import Browser
from web.row_ids import MAX_ROW_ID

TOO_LARGE = (MAX_ROW_ID + 1, 10**30)


def id_routes(app: Flask) -> list[tuple[str, str]]:
    """(address pattern, method) of every route whose address holds an `<int:...>`."""
    return [(rule.rule, "POST" if "POST" in (rule.methods or ()) else "GET")
            for rule in app.url_map.iter_rules() if "<int:" in rule.rule]


def address(pattern: str, number: int) -> str:
    return re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", str(number), pattern))


def test_the_site_has_id_routes(app: Flask) -> None:
    assert len(id_routes(app)) >= 15


@pytest.mark.parametrize("number", [*TOO_LARGE, MAX_ROW_ID])
def test_an_id_no_row_can_have_is_not_found(app: Flask, as_ada: Browser, as_ines: Browser, as_ann: Browser,
                                            number: int) -> None:
    answers = set()
    for pattern, method in id_routes(app):
        url = address(pattern, number)
        for who in (as_ada, as_ines, as_ann):
            response = who.post(url) if method == "POST" else who.get(url)
            answers.add((url, method, response.status_code))
    assert sorted(answer for answer in answers if answer[2] not in (403, 404)) == []

"""Row ids in addresses and topic keys. A number too large for the database to look up names no row:
`/submissions/99999999999999999999` is "not found", never an OverflowError in the database driver."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ROW_ID = 2**63 - 1
"""The largest id SQLite and PostgreSQL (BIGINT) hold."""


class RowIdConverter(IntegerConverter):
    """`<int:...>` in the site's routes: a number of at most `MAX_ROW_ID`, else the route does not match."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def row_id(key: str) -> int | None:
    """The id a key names (`12` of `submission:12`); None when it names no row: not written as the site
    writes ids (digits, no leading zero), or too large for the database to look up."""
    if not (key.isascii() and key.isdigit()) or len(key) > len(str(MAX_ROW_ID)) or str(int(key)) != key:
        return None
    number = int(key)
    return number if number <= MAX_ROW_ID else None


def init_app(app: Flask) -> None:
    """Before any route is added: rules take their converters when they are added."""
    app.url_map.converters["int"] = RowIdConverter

"""Marks on work that came from another site (`grader transfer import`): where it was graded, and
when it moved here. Its results are that site's: nothing here graded it again."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from sqlalchemy import select

from store.models import Submission, TransferImport, TransferredRow
from web.database import db


def moved_here(submissions: Iterable[Submission]) -> dict[int, TransferImport]:
    """For each of `submissions` that came from another site, the import that brought it, by id."""
    ids = [submission.id for submission in submissions]
    if not ids:
        return {}
    query = (select(TransferredRow.local_id, TransferImport).join(TransferImport)
             .where(TransferredRow.kind == "submission", TransferredRow.local_id.in_(ids))
             .order_by(TransferredRow.id))
    found: dict[int, TransferImport] = {}
    for local_id, imported in db().execute(query):
        found.setdefault(local_id, imported)
    return found


def init_app(app: Flask) -> None:
    app.add_template_global(moved_here, "moved_here")

"""A portfolio's way out: the learner asks, the site freezes the website and the record as they are
then, an instructor approves exactly that (the record is signed and the PDF printed) or sends it
back with a reason; every step goes to the audit log. The caller commits."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config import Settings
from store.models import PortfolioExport, User, audit, utcnow
from store.signed import check_code, read_document, sign_document
from store.site_key import public_pem, site_key
from web.portfolio_content import gather
from web.portfolio_record import completion_record
from web.portfolio_site import RecordView, build_site, from_zip, to_zip
from web.printing import PrintError, print_pdf

REASON_MAX = 500
OPEN = "requested"


class ExportError(ValueError):
    """An export step that cannot be done now, said in words for the person asking."""


def record_view(payload: dict[str, Any]) -> RecordView:
    key = str(payload["site"]["key"])
    return RecordView(payload, check_code(key, "record", payload), key)


def open_export(session: Session, user_id: int) -> PortfolioExport | None:
    query = select(PortfolioExport).where(PortfolioExport.user_id == user_id, PortfolioExport.state == OPEN)
    return session.scalar(query)


def request_export(session: Session, user: User, settings: Settings, ip: str) -> PortfolioExport:
    """Freeze the learner's portfolio and record for an instructor to review.

    Raises:
        ExportError: no piece is chosen, or a request already waits.
    """
    if open_export(session, user.id) is not None:
        raise ExportError("You already asked to take your portfolio out; an instructor will look at it. "
                          "Withdraw that request first to send a new one.")
    content = gather(session, user)
    if not content.pieces:
        raise ExportError("Choose at least one piece of work to show first.")
    export = PortfolioExport(user_id=user.id, state=OPEN, site_zip=b"", site_sha256="")
    session.add(export)
    session.flush()
    key = site_key(settings.instance)
    payload = completion_record(session, user, settings.site_name, key.fingerprint,
                                [piece.key for piece in content.pieces])
    payload["number"] = export.id
    export.record = payload
    export.site_zip = to_zip(build_site(content, record_view(payload)))
    export.site_sha256 = hashlib.sha256(export.site_zip).hexdigest()
    audit(session, user.id, "portfolio.export_requested", f"export:{export.id}",
          {"pieces": payload["portfolio"], "site_sha256": export.site_sha256}, ip)
    return export


def _waiting(export: PortfolioExport) -> None:
    if export.state != OPEN:
        raise ExportError(f"This export is {export.state} already: nothing was changed.")


def _decide(session: Session, export: PortfolioExport, **values: Any) -> None:
    """Change a waiting export in one statement that only matches while it still waits: two people
    deciding at once cannot both win.

    Raises:
        ExportError: someone else decided (or the learner withdrew) meanwhile.
    """
    done = session.execute(update(PortfolioExport).where(PortfolioExport.id == export.id,
                                                         PortfolioExport.state == OPEN).values(**values))
    if getattr(done, "rowcount", 0) != 1:
        raise ExportError("Someone else decided about this export meanwhile: nothing was changed.")
    session.refresh(export)


def approve(session: Session, export: PortfolioExport, reviewer: User, settings: Settings, ip: str) -> None:
    """Sign the record the reviewer saw and print the PDF of the page they saw.

    Raises:
        ExportError: it is not waiting for review, or the PDF could not be made (nothing changes then).
    """
    _waiting(export)
    files = from_zip(export.site_zip)
    try:
        pdf = print_pdf(files["print.html"], settings.chromium)
    except PrintError as error:
        raise ExportError(f"Nothing was approved: the PDF could not be made. {error}") from None
    key = site_key(settings.instance)
    _decide(session, export, state="approved", signed_record=sign_document(key, "record", export.record),
            pdf=pdf, reviewer_id=reviewer.id, reviewed_at=utcnow(), reason="")
    audit(session, reviewer.id, "portfolio.approved", f"export:{export.id}",
          {"learner_id": export.user_id, "site_sha256": export.site_sha256,
           "check_code": record_view(export.record).check_code}, ip)


def send_back(session: Session, export: PortfolioExport, reviewer: User, reason: str, ip: str) -> None:
    """Refuse the export with the reason the learner reads.

    Raises:
        ExportError: no reason, or it is not waiting for review.
    """
    _waiting(export)
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise ExportError("Write why it goes back: the learner reads it.")
    _decide(session, export, state="returned", reason=reason, reviewer_id=reviewer.id, reviewed_at=utcnow())
    audit(session, reviewer.id, "portfolio.returned", f"export:{export.id}",
          {"learner_id": export.user_id, "reason": reason}, ip)


def withdraw(session: Session, export: PortfolioExport, user: User, ip: str) -> None:
    _waiting(export)
    _decide(session, export, state="withdrawn")
    audit(session, user.id, "portfolio.withdrawn", f"export:{export.id}", {}, ip)


def folder_name(export: PortfolioExport) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", export.user.display_name.lower()).strip("-") or "learner"
    return f"portfolio-{name[:40]}-{export.id}"


def final_files(export: PortfolioExport) -> dict[str, bytes]:
    """Every file of an approved export: the reviewed website, the signed record, the public key that
    signed it and the PDF."""
    if export.state != "approved" or export.signed_record is None or export.pdf is None:
        raise ExportError("Only an approved export can be taken out.")
    signer = read_document(export.signed_record, "record", f"the record of export {export.id}").signer
    return {**from_zip(export.site_zip), "record.json": export.signed_record,
            "site-key.pub": public_pem(signer), "portfolio.pdf": export.pdf}


def final_zip(export: PortfolioExport) -> bytes:
    return to_zip(final_files(export), folder_name(export) + "/")

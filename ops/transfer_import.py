"""`grader transfer import`: a learner's transfer file read into this site, all or nothing.

The file must be signed by a site this site trusts. The learner's account is made (with a one-time
password they must change at their first login) or, when it came here before or staff name it,
merged. Each attempt, score change and draft is added once: rows remember what they were called at
the site they came from (`TransferredRow`), so importing the same file again, or a later one from
the same site, adds only what is new. Results stay as that site graded them; nothing is graded again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ops.transfer import AttemptIn, OverrideIn, TransferPayload, TransferRefused
from store.changes import cohort_topics, publish
from store.models import (
    Draft,
    ExerciseRow,
    GradeOverride,
    PasswordChangeRequired,
    Portfolio,
    PortfolioPiece,
    Regrade,
    Submission,
    TransferImport,
    TransferredRow,
    User,
    audit,
    utcnow,
)
from store.signed import DocumentRefused, read_document, trusted_signer
from web.accounts import AccountError, create_user, normal_username


@dataclass
class ImportReport:
    username: str
    source_site: str
    already: bool = False  # this very file was imported before: nothing changed
    created: bool = False
    password: str | None = None  # the one-time password of an account made now
    added: dict[str, int] = field(default_factory=lambda: {"attempts": 0, "overrides": 0, "drafts": 0})
    kept: dict[str, int] = field(default_factory=lambda: {"attempts": 0, "overrides": 0, "drafts": 0})
    other_versions: list[str] = field(default_factory=list)  # graded on another version of the exercise
    unknown_exercises: list[str] = field(default_factory=list)  # not in this site's catalogue


@dataclass(frozen=True)
class ImportOptions:
    into: str | None = None  # merge into this existing account
    username: str | None = None  # make the account under this name instead


def read_transfer(raw: bytes, name: str, trusted: list[Ed25519PublicKey], own: Ed25519PublicKey
                  ) -> tuple[TransferPayload, str, str]:
    """The payload of a transfer file signed by a trusted site, its source fingerprint and SHA-256.

    Raises:
        TransferRefused: damaged, changed, not a transfer, signed by a key this site does not trust,
            or made by this very site.
    """
    try:
        document = read_document(raw, "transfer", name)
    except DocumentRefused as error:
        raise TransferRefused(str(error)) from None
    if trusted_signer(document, [own]) is not None:
        raise TransferRefused(f"{name} was made by this site: everything in it is here already")
    if trusted_signer(document, trusted) is None:
        raise TransferRefused(
            f"{name} is signed by {document.fingerprint}, a site this site does not trust. Get that site's "
            "public key from its staff (grader site-key --export FILE there), compare the fingerprint with "
            "them, then run: grader transfer trust FILE")
    try:
        payload = TransferPayload.model_validate(document.payload)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise TransferRefused(f"{name} is signed but cannot be read: {where}: {problem['msg']}") from None
    if payload.site.key != document.fingerprint:
        raise TransferRefused(f"{name} says it comes from {payload.site.key} but is signed by "
                              f"{document.fingerprint}")
    return payload, document.fingerprint, document.sha256


class _Rows:
    """What this site calls the rows another site sent, by (kind, that site's id)."""

    def __init__(self, session: Session, source: str, own: str) -> None:
        self.session, self.source, self.own = session, source, own
        self.import_id: int | None = None

    def local(self, kind: str, source_id: int, origin: Any = None) -> int | None:
        if origin is not None and origin.source == self.own:
            return int(origin.id)  # it went from here, and comes back: it is here already
        keys = [(self.source, source_id)] + ([(origin.source, origin.id)] if origin is not None else [])
        for source, number in keys:
            found = self.session.scalar(select(TransferredRow.local_id).where(
                TransferredRow.source == source, TransferredRow.kind == kind,
                TransferredRow.source_id == number))
            if found is not None:
                return int(found)
        return None

    def remember(self, kind: str, source_id: int, local_id: int, origin: Any = None) -> None:
        assert self.import_id is not None
        keys = [(self.source, source_id)]
        if origin is not None and origin.source != self.own:
            keys.append((origin.source, origin.id))
        for source, number in keys:
            exists = self.session.scalar(select(TransferredRow.id).where(
                TransferredRow.source == source, TransferredRow.kind == kind,
                TransferredRow.source_id == number))
            if exists is None:
                self.session.add(TransferredRow(import_id=self.import_id, source=source, kind=kind,
                                                source_id=number, local_id=local_id))


def _account(session: Session, payload: TransferPayload, rows: _Rows, options: ImportOptions,
             report: ImportReport) -> User:
    account = payload.account
    mapped_id = rows.local("user", account.id, account.origin)
    mapped = session.get(User, mapped_id) if mapped_id is not None else None
    if options.into:
        target = session.scalar(select(User).where(User.username == options.into.strip().lower()))
        if target is None:
            raise TransferRefused(f"there is no account called {options.into!r} here to merge into")
        if mapped is not None and mapped.id != target.id:
            raise TransferRefused(f"this learner came here before and is {mapped.username}, not "
                                  f"{target.username}")
        if target.role != "learner":
            raise TransferRefused(f"{target.username} is an {target.role}: only learners' work can be merged")
        return target
    if mapped is not None:
        return mapped
    try:
        username = normal_username(options.username or account.username)
    except AccountError as error:
        raise TransferRefused(str(error)) from None
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise TransferRefused(
            f"there is already an account called {username} here. If it is the same person, run again with "
            f"--into {username}; if not, choose another name with --username NEWNAME")
    made = create_user(session, username, account.display_name, "learner")
    made.user.created_at = account.created_at
    made.user.active = account.active
    session.add(PasswordChangeRequired(user_id=made.user.id,
                                       reason=f"moved from {payload.site.name}"[:200]))
    report.created, report.password = True, made.password
    return made.user


def _attempt(session: Session, attempt: AttemptIn, user: User, rows: _Rows, report: ImportReport) -> None:
    if rows.local("submission", attempt.id, attempt.origin) is not None:
        report.kept["attempts"] += 1
        return
    row = Submission(user_id=user.id, exercise_key=attempt.exercise_key, files=attempt.files,
                     status=attempt.status, result=attempt.result, score=attempt.score,
                     max_score=attempt.max_score, created_at=attempt.created_at,
                     started_at=attempt.started_at, finished_at=attempt.finished_at, counts=attempt.counts,
                     failed_checks=attempt.failed_checks, error_message=attempt.error_message)
    session.add(row)
    session.flush()
    for earlier in attempt.regrades:  # who asked is not a user here; the reason stays word for word
        session.add(Regrade(submission_id=row.id, by_user_id=None, **earlier.model_dump(exclude={"by"})))
    rows.remember("submission", attempt.id, row.id, attempt.origin)
    report.added["attempts"] += 1


def _override(session: Session, override: OverrideIn, rows: _Rows, report: ImportReport) -> None:
    if rows.local("override", override.id, override.origin) is not None:
        report.kept["overrides"] += 1
        return
    attempt = rows.local("submission", override.attempt)
    if attempt is None:
        return  # its attempt was not in the file: nothing to hang it on
    row = GradeOverride(submission_id=attempt, score=override.score, reason=override.reason, at=override.at,
                        by_user_id=None)  # the instructor is not a user here; the reason stays word for word
    session.add(row)
    session.flush()
    rows.remember("override", override.id, row.id, override.origin)
    report.added["overrides"] += 1


def _drafts(session: Session, payload: TransferPayload, user: User, report: ImportReport) -> None:
    """A draft comes in unless the learner has a newer one here."""
    for draft in payload.drafts:
        mine = session.get(Draft, (user.id, draft.exercise_key))
        if mine is not None and mine.updated_at >= draft.updated_at:
            report.kept["drafts"] += 1
            continue
        mine = mine or Draft(user_id=user.id, exercise_key=draft.exercise_key)
        mine.files, mine.updated_at = draft.files, draft.updated_at
        session.add(mine)
        report.added["drafts"] += 1


def _portfolio(session: Session, payload: TransferPayload, user: User, rows: _Rows) -> None:
    """The portfolio comes in when the learner has none here yet."""
    if payload.portfolio is None or session.get(Portfolio, user.id) is not None:
        return
    session.add(Portfolio(user_id=user.id, about=payload.portfolio.about[:1500]))
    for piece in payload.portfolio.pieces:
        attempt = rows.local("submission", piece.attempt)
        if attempt is not None:
            session.add(PortfolioPiece(user_id=user.id, exercise_key=piece.exercise_key,
                                       submission_id=attempt, line=piece.line, position=piece.position))


def import_transfer(session: Session, raw: bytes, name: str, trusted: list[Ed25519PublicKey],
                    own: Ed25519PublicKey, own_fingerprint: str, options: ImportOptions) -> ImportReport:
    """Read the transfer file `raw` into this site's database (the caller commits; on any error it
    rolls back and nothing is written).

    Raises:
        TransferRefused: the file is refused, or the account cannot be made or merged.
    """
    payload, source, file_sha = read_transfer(raw, name, trusted, own)
    report = ImportReport(payload.account.username, payload.site.name)
    before = session.scalar(select(TransferImport).where(TransferImport.file_sha256 == file_sha))
    if before is not None:
        user = session.get(User, before.user_id)
        report.already, report.username = True, user.username if user else report.username
        return report
    rows = _Rows(session, source, own_fingerprint)
    user = _account(session, payload, rows, options, report)
    report.username = user.username
    record = TransferImport(file_sha256=file_sha, source=source, source_site=payload.site.name[:200],
                            user_id=user.id, made_at=payload.made_at, imported_at=utcnow())
    session.add(record)
    session.flush()
    rows.import_id = record.id
    rows.remember("user", payload.account.id, user.id, payload.account.origin)
    for attempt in sorted(payload.attempts, key=lambda a: a.id):
        _attempt(session, attempt, user, rows, report)
    for override in sorted(payload.overrides, key=lambda o: o.id):
        _override(session, override, rows, report)
    _drafts(session, payload, user, report)
    _portfolio(session, payload, user, rows)
    if any(report.added.values()):
        publish(session, *cohort_topics(session, user.id))  # open classroom views show the new work
    here = {row.key: row.sha256 for row in session.scalars(select(ExerciseRow))}
    report.unknown_exercises = sorted(key for key in payload.curriculum if key not in here)
    report.other_versions = sorted(key for key, sha in payload.curriculum.items()
                                   if key in here and sha and here[key] != sha)
    record.counts = {"added": report.added, "kept": report.kept, "created": report.created}
    audit(session, None, "transfer.imported", user.username,
          {"from": payload.site.name, "source": source, "file_sha256": file_sha, "added": report.added,
           "created": report.created, "by": "command line"})
    return report

"""Making and changing accounts: one at a time, from a CSV file, password resets, cohorts.

Used by the instructor and admin pages, the `grader users` commands and demo mode; the caller commits.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ROLES, Cohort, User
from web.auth import hash_password

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Easy to read aloud and to type on a classroom keyboard: no 0/O, 1/l/I.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MAX_CSV_ROWS = 500


class AccountError(ValueError):
    """A request to change accounts that cannot be done, said in words for the person asking."""


@dataclass(frozen=True)
class NewAccount:
    user: User
    password: str


def new_password(length: int = 12) -> str:
    """A random password, in groups of four: `abcd-efgh-jkmn`."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normal_username(raw: str) -> str:
    username = raw.strip().lower()
    if not USERNAME.match(username):
        raise AccountError(
            f"'{raw[:64]}' cannot be a username: use 2 to 64 small letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return username


def create_user(
    session: Session, username: str, display_name: str, role: str = "learner", password: str | None = None
) -> NewAccount:
    """Add a user with `password` (a random one when None). Raises AccountError."""
    username = normal_username(username)
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role (one of: {', '.join(ROLES)})")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"the username '{username}' is already taken")
    display = display_name.strip()[:120] or username
    password = password or new_password()
    user = User(username=username, display_name=display, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return NewAccount(user, password)


def reset_password(user: User, password: str | None = None) -> str:
    """Give `user` a new password (random when None) and end every session they have."""
    password = password or new_password()
    user.password_hash = hash_password(password)
    user.session_version += 1
    return password


def cohort_named(session: Session, name: str) -> Cohort:
    """The cohort called `name`, made when missing."""
    name = name.strip()[:120]
    if not name:
        raise AccountError("a cohort needs a name")
    cohort = session.scalar(select(Cohort).where(Cohort.name == name))
    if cohort is None:
        cohort = Cohort(name=name)
        session.add(cohort)
        session.flush()
    return cohort


def import_learners(session: Session, text: str, cohort: Cohort | None) -> list[NewAccount]:
    """Learners from CSV text with columns `username,display_name` (a header row is optional).

    All or nothing: every mistake is collected and raised as one AccountError before anything is added.
    """
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and [cell.strip().lower() for cell in rows[0][:2]] == ["username", "display_name"]:
        rows = rows[1:]
    if not rows:
        raise AccountError("the file has no learners in it (one per line: username,display name)")
    if len(rows) > MAX_CSV_ROWS:
        raise AccountError(f"the file has {len(rows)} lines; at most {MAX_CSV_ROWS} at a time")
    problems: list[str] = []
    wanted: list[tuple[int, str, str]] = []
    for number, row in enumerate(rows, start=1):
        try:
            username = normal_username(row[0])
        except AccountError as error:
            problems.append(f"line {number}: {error}")
            continue
        if username in (name for _, name, _ in wanted):
            problems.append(f"line {number}: the username '{username}' is in the file twice")
        wanted.append((number, username, row[1] if len(row) > 1 else ""))
    taken = set(session.scalars(select(User.username).where(User.username.in_([n for _, n, _ in wanted]))))
    problems += [f"line {number}: the username '{name}' is already taken"
                 for number, name, _ in wanted if name in taken]
    if problems:
        raise AccountError("; ".join(sorted(problems, key=lambda p: int(p.split()[1].rstrip(":")))))
    made = [create_user(session, username, display) for _, username, display in wanted]
    if cohort is not None:
        cohort.members.extend(account.user for account in made)
    return made

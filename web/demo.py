"""Demo mode: a demo instructor and learner in a demo cohort, made once, passwords printed once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import User, audit
from web.accounts import NewAccount, cohort_named, create_user

DEMO_COHORT = "Demo class"
DEMO_ACCOUNTS = (("instructor", "Demo Instructor", "instructor"), ("learner", "Demo Learner", "learner"))


def ensure_demo_accounts(session: Session) -> tuple[list[NewAccount], list[str]]:
    """Make the demo accounts that are missing (the caller commits).

    Returns:
        The accounts made now, with their passwords, and the usernames that already existed.
    """
    made: list[NewAccount] = []
    existing: list[str] = []
    cohort = cohort_named(session, DEMO_COHORT)
    for username, display_name, role in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            existing.append(username)
            continue
        account = create_user(session, username, display_name, role)
        if role == "learner":
            cohort.members.append(account.user)
        audit(session, None, "user.created", username, {"role": role, "by": "demo mode"})
        made.append(account)
    return made, existing


def announcement(made: list[NewAccount], existing: list[str]) -> str:
    """What `grader serve --demo` prints about the demo accounts."""
    lines = []
    if made:
        lines.append("Demo accounts (these passwords are shown only now; write them down):")
        lines += [f"    {a.user.role:<11} username: {a.user.username:<11} password: {a.password}"
                  for a in made]
    if existing:
        names = ", ".join(existing)
        lines.append(f"Demo accounts already made earlier: {names}. "
                     "A new password: grader users reset-password USERNAME")
    return "\n".join(lines)

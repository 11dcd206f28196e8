"""The `grader` command: grader's own commands (run, validate, images, doctor) plus the site's:
serve, worker, users, exercises sync, db upgrade, bundle, backup and restore."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.cli import main
from grader.errors import ExerciseInvalid
from web.accounts import AccountError, create_user, reset_password
from web.catalog_sync import sync_catalog
from web.config import Config
from web.db import make_engine, session_factory, upgrade_database
from web.models import ROLES, User, audit
from web.ops.commands import COMMANDS as OPS_COMMANDS
from web.serve import serve
from web.worker import worker_command

__all__ = ["main"]

main.add_command(serve)
main.add_command(worker_command)
for command in OPS_COMMANDS:
    main.add_command(command)


def _session() -> Session:
    """A session on the newest schema of the configured database."""
    config = Config()
    upgrade_database(config.DATABASE_URL)
    return session_factory(make_engine(config.DATABASE_URL))()


@main.group()
def users() -> None:
    """Accounts of the classroom site."""


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="The full name shown on the site.")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
def users_create(username: str, display_name: str, role: str) -> None:
    """Add an account; its random password is printed once."""
    with _session() as session:
        try:
            account = create_user(session, username, display_name, role)
        except AccountError as error:
            raise click.ClickException(str(error)) from None
        audit(session, None, "user.created", account.user.username, {"role": role, "by": "command line"})
        session.commit()
    click.echo(f"{account.user.role} {account.user.username}: password {account.password}")


@users.command("reset-password")
@click.argument("username")
def users_reset_password(username: str) -> None:
    """Give an account a new random password (printed once) and log it out everywhere."""
    with _session() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.ClickException(f"there is no account called {username!r}")
        password = reset_password(user)
        user.active = True
        audit(session, None, "user.password_reset", user.username, {"by": "command line"})
        session.commit()
    click.echo(f"{user.role} {user.username}: new password {password}")


@users.command("list")
def users_list() -> None:
    """Every account, by role."""
    with _session() as session:
        for user in session.scalars(select(User).order_by(User.role, User.username)):
            state = "" if user.active else "  (deactivated)"
            click.echo(f"{user.role:<11} {user.username:<20} {user.display_name}{state}")


@main.group("exercises")
def exercises_group() -> None:
    """The exercise catalogue the site shows."""


@exercises_group.command("sync")
def exercises_sync() -> None:
    """Read the exercises folder into the site's catalogue (also done by `grader serve`)."""
    config = Config()
    with _session() as session:
        try:
            report = sync_catalog(session, config.EXERCISES)
        except ExerciseInvalid as error:
            raise click.ClickException(str(error)) from None
        session.commit()
    click.echo(f"{report.valid} exercises ready, {report.invalid} with problems, {report.removed} removed.")
    sys.exit(1 if report.invalid else 0)


@main.group("db")
def db_group() -> None:
    """The site's database."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema (safe to run again)."""
    upgrade_database(Config().DATABASE_URL)
    click.echo("The database is up to date.")


if __name__ == "__main__":
    main()

"""The site's commands: serve, users, exercises sync and publish, db upgrade (assembled by cli/)."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from grader.catalog import scan_catalog
from grader.errors import ExerciseInvalid
from store.catalog_sync import sync_catalog
from store.db import make_engine, session_factory, upgrade_database
from store.models import ROLES, User, audit
from store.publishing import PublishError, publish, publish_drafts, version_store
from web.accounts import AccountError, create_user, reset_password


def _session(settings: Settings) -> Session:
    """A session on the newest schema of the configured database."""
    upgrade_database(settings.database_url)
    return session_factory(make_engine(settings.database_url))()


@click.group()
def users() -> None:
    """Accounts of the classroom site."""


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="The full name shown on the site.")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.pass_obj
def users_create(settings: Settings, username: str, display_name: str, role: str) -> None:
    """Add an account; its random password is printed once."""
    with _session(settings) as session:
        try:
            account = create_user(session, username, display_name, role)
        except AccountError as error:
            raise click.ClickException(str(error)) from None
        audit(session, None, "user.created", account.user.username, {"role": role, "by": "command line"})
        session.commit()
    click.echo(f"{account.user.role} {account.user.username}: password {account.password}")


@users.command("reset-password")
@click.argument("username")
@click.pass_obj
def users_reset_password(settings: Settings, username: str) -> None:
    """Give an account a new random password (printed once) and log it out everywhere."""
    with _session(settings) as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.ClickException(f"there is no account called {username!r}")
        password = reset_password(user)
        user.active = True
        audit(session, None, "user.password_reset", user.username, {"by": "command line"})
        session.commit()
    click.echo(f"{user.role} {user.username}: new password {password}")


@users.command("list")
@click.pass_obj
def users_list(settings: Settings) -> None:
    """Every account, by role."""
    with _session(settings) as session:
        for user in session.scalars(select(User).order_by(User.role, User.username)):
            state = "" if user.active else "  (deactivated)"
            click.echo(f"{user.role:<11} {user.username:<20} {user.display_name}{state}")


@click.group("exercises")
def exercises_group() -> None:
    """The exercise catalogue the site shows."""


@exercises_group.command("sync")
@click.option("--publish", is_flag=True, help="Also publish every sound draft (new or changed exercise).")
@click.pass_obj
def exercises_sync(settings: Settings, publish: bool) -> None:
    """Read the exercises folder into the site's catalogue (also done by `grader serve`). New and
    changed exercises are drafts that learners do not see until they are published."""
    with _session(settings) as session:
        try:
            report = sync_catalog(session, settings.exercises, version_store(settings.instance),
                                  publish_all=True if publish else None)
        except ExerciseInvalid as error:
            raise click.ClickException(str(error)) from None
        session.commit()
    click.echo(f"{report.valid} exercises ready, {report.invalid} with problems, {report.removed} removed; "
               f"{report.published} published, {report.drafts} drafts not published.")
    sys.exit(1 if report.invalid else 0)


@exercises_group.command("publish")
@click.argument("keys", nargs=-1, metavar="[TRACK/SLUG ...]")
@click.option("--all", "every", is_flag=True, help="Publish every sound draft.")
@click.option("--note", default="", help="What changed, kept with the version (at most 500 characters).")
@click.pass_obj
def exercises_publish(settings: Settings, keys: tuple[str, ...], every: bool, note: str) -> None:
    """Publish the drafts of these exercises (or --all): learners see them, and later attempts are
    graded on them. The folder is read again first."""
    if bool(keys) == every:
        raise click.UsageError("name the exercises to publish (TRACK/SLUG ...), or give --all")
    store = version_store(settings.instance)
    with _session(settings) as session:
        try:
            sync_catalog(session, settings.exercises, store)
            scan = scan_catalog(settings.exercises)
            made = publish_drafts(session, scan, store, None, note, keys=None if every else keys)
            if keys:
                done = {version.key for version in made}
                for key in keys:
                    if key not in done:
                        made.append(publish(session, scan, store, key, None, note))
        except (ExerciseInvalid, PublishError) as error:
            session.rollback()
            raise click.ClickException(str(error)) from None
        for version in made:
            audit(session, None, "exercise.published", version.key,
                  {"version": version.number, "note": version.note, "by": "command line"})
        session.commit()
    for version in made:
        click.echo(f"{version.key}: version {version.number} published.")
    if not made:
        click.echo("Nothing to publish: every exercise is published as it is.")


@click.group("db")
def db_group() -> None:
    """The site's database."""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Bring the database to the newest schema (safe to run again)."""
    upgrade_database(settings.database_url)
    click.echo("The database is up to date.")

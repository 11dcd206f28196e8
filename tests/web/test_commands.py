"""The site's commands: users, exercises sync, db upgrade, and demo accounts made once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.security import check_password_hash

from cli import main
from store.db import make_engine, session_factory
from store.models import User
from tests.helpers.data import CATALOGS
from web.demo import ensure_demo_accounts

FIXTURES = CATALOGS / "site"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"GRADER_INSTANCE": str(tmp_path / "instance"), "GRADER_EXERCISES": str(FIXTURES)}


def _users(env: dict[str, str]) -> dict[str, User]:
    url = f"sqlite:///{env['GRADER_INSTANCE']}/grader.db"
    with session_factory(make_engine(url))() as session:
        return {user.username: user for user in session.scalars(select(User))}


def test_users_create_and_reset_password(env: dict[str, str]) -> None:
    runner = CliRunner()
    command = ["users", "create", "Tess", "--name", "Tess T", "--role", "instructor"]
    made = runner.invoke(main, command, env=env)
    assert made.exit_code == 0, made.output
    password = made.output.strip().rsplit(" ", 1)[1]
    user = _users(env)["tess"]
    assert user.role == "instructor" and check_password_hash(user.password_hash, password)
    again = runner.invoke(main, ["users", "create", "tess"], env=env)
    assert again.exit_code == 1 and "already taken" in again.output
    reset = runner.invoke(main, ["users", "reset-password", "tess"], env=env)
    new_password = reset.output.strip().rsplit(" ", 1)[1]
    assert new_password != password and check_password_hash(_users(env)["tess"].password_hash, new_password)
    assert _users(env)["tess"].session_version == 2
    listing = runner.invoke(main, ["users", "list"], env=env)
    assert "tess" in listing.output


def test_exercises_sync(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["exercises", "sync"], env=env)
    assert result.exit_code == 0 and "3 exercises ready, 0 with problems" in result.output


def test_demo_accounts_are_made_once(env: dict[str, str]) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"], env=env)
    url = f"sqlite:///{env['GRADER_INSTANCE']}/grader.db"
    with session_factory(make_engine(url))() as session:
        made, existing = ensure_demo_accounts(session)
        session.commit()
        assert [a.user.username for a in made] == ["instructor", "learner"] and existing == []
        made, existing = ensure_demo_accounts(session)
        assert made == [] and existing == ["instructor", "learner"]


def test_serve_and_worker_are_commands(env: dict[str, str]) -> None:
    runner = CliRunner()
    assert "--demo" in runner.invoke(main, ["serve", "--help"]).output
    assert runner.invoke(main, ["worker", "--help"]).exit_code == 0
    assert runner.invoke(main, ["run", "--help"]).exit_code == 0  # grader's own commands stay

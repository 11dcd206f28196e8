"""The admin's pages: users and roles, the audit log, the health page."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Submission, User, WorkerHeartbeat, utcnow
from tests.helpers.site import Browser, login


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def test_admin_adds_an_instructor(as_ada: Browser, db_session: Session) -> None:
    as_ada.get("/admin/")
    response = as_ada.post("/admin/users", {"username": "ivy", "display_name": "Ivy", "role": "instructor"})
    assert response.status_code == 201 and "only this once" in response.get_data(as_text=True)
    assert _user(db_session, "ivy").role == "instructor"


def test_a_role_change_ends_the_users_sessions(app: Flask, as_ada: Browser, db_session: Session) -> None:
    bob = login(app.test_client(), "bob")
    as_ada.get("/admin/")
    as_ada.post(f"/admin/users/{_user(db_session, 'bob').id}", {"action": "role", "role": "instructor"})
    assert bob.get("/").status_code == 302
    db_session.expire_all()
    assert _user(db_session, "bob").role == "instructor"
    assert login(app.test_client(), "bob").get("/teach/").status_code == 200


def test_deactivate_and_no_self_demotion(as_ada: Browser, db_session: Session) -> None:
    as_ada.get("/admin/")
    as_ada.post(f"/admin/users/{_user(db_session, 'ann').id}", {"action": "deactivate"})
    db_session.expire_all()
    assert _user(db_session, "ann").active is False
    own = as_ada.post(f"/admin/users/{_user(db_session, 'ada').id}", {"action": "role", "role": "learner"})
    assert own.status_code == 422


def test_audit_log_lists_logins_and_changes(as_ada: Browser, as_ann: Browser) -> None:
    page = as_ada.get("/admin/audit").get_data(as_text=True)
    assert "login" in page and "ann" in page


def test_health_page_reports_queue_and_workers(as_ada: Browser, db_session: Session) -> None:
    page = as_ada.get("/admin/health").get_data(as_text=True)
    assert "no worker reported recently" in page
    db_session.add(Submission(user_id=1, exercise_key="python/greet", files={}, status="queued"))
    db_session.add(WorkerHeartbeat(name="host:1", host="host", slots=2, busy=1, engine_ok=True,
                                   image_current=True, seen_at=utcnow()))
    db_session.add(WorkerHeartbeat(name="old:2", host="old", seen_at=utcnow() - timedelta(hours=1)))
    db_session.commit()
    page = as_ada.get("/admin/health").get_data(as_text=True)
    assert "1 alive" in page and "reachable" in page and "current" in page
    assert "<th>Waiting</th><td>1" in page

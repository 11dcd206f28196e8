"""The administrator's pages: users and roles, the audit log, and the health of the installation
(database, queue depth, grading workers with their engine and runner image)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from service.scheduler import STALE_AFTER_S
from store.models import ROLES, AuditLog, Submission, User, WorkerHeartbeat, audit, utcnow
from web import security
from web.accounts import AccountError, NewAccount, create_user, reset_password
from web.auth import role_required
from web.database import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = role_required("admin")
AUDIT_PAGE = 100


class UserForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired(), Length(max=64)])
    display_name = StringField("Full name", validators=[Length(max=120)])
    role = SelectField("Role", choices=[SelectChoice(role, role) for role in ROLES])


def _users_page(status: int = 200, form: UserForm | None = None, created: list[NewAccount] | None = None,
                errors: list[str] | None = None) -> tuple[str, int]:
    users = db().scalars(select(User).order_by(User.role, User.username)).all()
    page = render_template("admin/users.html", users=users, form=form or UserForm(formdata=None),
                           created=created or [], errors=errors or [], roles=ROLES)
    return page, status


@bp.route("/")
@admin_only
def users() -> tuple[str, int]:
    return _users_page()


@bp.route("/users", methods=["POST"])
@admin_only
def add_user() -> tuple[str, int]:
    form = UserForm()
    if not form.validate():
        return _users_page(422, form)
    try:
        account = create_user(db(), form.username.data or "", form.display_name.data or "", form.role.data)
    except AccountError as error:
        db().rollback()
        return _users_page(422, form, errors=[str(error)])
    audit(db(), g.user.id, "user.created", account.user.username, {"role": account.user.role},
          security.client_ip())
    db().commit()
    return _users_page(201, created=[account])


@bp.route("/users/<int:user_id>", methods=["POST"])
@admin_only
def change_user(user_id: int) -> Response | tuple[str, int]:
    """Change a role, (de)activate, or reset the password of one user."""
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    action = request.form.get("action", "")
    detail: dict[str, object]
    if user.id == g.user.id and action in ("role", "deactivate"):
        return _users_page(422, errors=["You cannot change your own role or deactivate yourself."])
    if action == "role" and request.form.get("role") in ROLES:
        detail = {"from": user.role, "to": request.form["role"]}
        user.role = request.form["role"]
        user.session_version += 1  # a new role starts from a fresh login
    elif action in ("activate", "deactivate"):
        user.active = action == "activate"
        user.session_version += 1
        detail = {"active": user.active}
    elif action == "reset":
        password = reset_password(user)
        audit(db(), g.user.id, "user.password_reset", user.username, {}, security.client_ip())
        db().commit()
        return _users_page(created=[NewAccount(user, password)])
    else:
        return _users_page(422, errors=["That change is not possible."])
    audit(db(), g.user.id, f"user.{action}", user.username, detail, security.client_ip())
    db().commit()
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@admin_only
def audit_log() -> str:
    before = request.args.get("before", type=int)
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(AUDIT_PAGE)
    if before:
        query = query.where(AuditLog.id < before)
    entries = db().scalars(query).all()
    older = entries[-1].id if len(entries) == AUDIT_PAGE else None
    return render_template("admin/audit.html", entries=entries, older=older)


@bp.route("/health")
@admin_only
def health() -> str:
    session = db()
    rows = session.execute(select(Submission.status, func.count()).group_by(Submission.status))
    counts = {status: count for status, count in rows}
    fresh = utcnow() - timedelta(seconds=STALE_AFTER_S)  # the scheduler's own idea of a dead worker
    workers = session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.name)).all()
    alive = [worker for worker in workers if worker.seen_at >= fresh]
    day = utcnow() - timedelta(days=1)
    failures = session.scalars(
        select(Submission).where(Submission.status == "error", Submission.created_at >= day)
        .order_by(Submission.id.desc()).limit(20)
    ).all()
    oldest = session.scalar(select(func.min(Submission.created_at)).where(Submission.status == "queued"))
    engine_ok = any(w.engine_ok for w in alive)
    image_ok = any(w.image_current for w in alive)
    checks = [
        ("Database", True, "answering"),
        ("Grading workers", bool(alive), f"{len(alive)} alive" if alive else "no worker reported recently"),
        ("Container engine", engine_ok, "reachable" if engine_ok else "no live worker reaches its engine"),
        ("Runner image", image_ok, "current" if image_ok else "missing or old: run grader images build"),
    ]
    return render_template(
        "admin/health.html", checks=checks, counts=counts, workers=workers, fresh=fresh, failures=failures,
        oldest_queued=oldest,
    )

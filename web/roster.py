"""Who is in the class: instructors add learners (one by one or from a CSV file), group them in
cohorts, set a cohort's attempts a day, and reset passwords. New passwords are shown once, on the page
that made them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from store.models import Cohort, User, audit
from web import security
from web.accounts import AccountError, NewAccount, cohort_named, create_user, import_learners, reset_password
from web.auth import role_required
from web.context import settings
from web.database import db

bp = Blueprint("roster", __name__, url_prefix="/teach")
staff_only = role_required("instructor", "admin")
MAX_CSV_BYTES = 256 * 1024
MAX_DAILY_ATTEMPTS = 10_000


class LearnerForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired(), Length(max=64)])
    display_name = StringField("Full name", validators=[Length(max=120)])
    cohort = SelectField("Cohort", coerce=int, validate_choice=False)


class ImportForm(FlaskForm):
    # Ids of their own: the learner form on the same page has a `cohort` field too.
    file = FileField("CSV file (username,display name on each line)", id="import-file")
    cohort = SelectField("Cohort", coerce=int, validate_choice=False, id="import-cohort")


class CohortForm(FlaskForm):
    name = StringField("New cohort name", validators=[InputRequired(), Length(max=120)])


def _cohort_choices() -> list[SelectChoice]:
    cohorts = db().scalars(select(Cohort).order_by(Cohort.name))
    return [SelectChoice("0", "(none)")] + [SelectChoice(str(cohort.id), cohort.name) for cohort in cohorts]


def _page(status: int = 200, created: list[NewAccount] | None = None, errors: list[str] | None = None,
          **forms: FlaskForm) -> tuple[str, int]:
    choices = _cohort_choices()
    learner_form = forms.get("learner_form") or LearnerForm(formdata=None)
    import_form = forms.get("import_form") or ImportForm(formdata=None)
    learner_form.cohort.choices = import_form.cohort.choices = choices
    learners = db().scalars(select(User).where(User.role == "learner").order_by(User.username)).all()
    cohorts = db().scalars(select(Cohort).order_by(Cohort.name)).all()
    page = render_template(
        "instructor/roster.html", learners=learners, cohorts=cohorts, created=created or [],
        errors=errors or [], learner_form=learner_form, import_form=import_form,
        cohort_form=forms.get("cohort_form") or CohortForm(formdata=None),
    )
    return page, status


def _cohort(cohort_id: int | None) -> Cohort | None:
    return db().get(Cohort, cohort_id) if cohort_id else None


@bp.route("/learners")
@staff_only
def roster() -> tuple[str, int]:
    return _page()


@bp.route("/learners", methods=["POST"])
@staff_only
def add_learner() -> tuple[str, int]:
    form = LearnerForm()
    form.cohort.choices = _cohort_choices()
    if not form.validate():
        return _page(422, learner_form=form)
    try:
        account = create_user(db(), form.username.data or "", form.display_name.data or "")
    except AccountError as error:
        db().rollback()
        return _page(422, errors=[str(error)], learner_form=form)
    cohort = _cohort(form.cohort.data)
    if cohort is not None:
        cohort.members.append(account.user)
    audit(db(), g.user.id, "user.created", account.user.username, {"role": "learner"}, security.client_ip())
    db().commit()
    return _page(201, created=[account])


@bp.route("/learners/import", methods=["POST"])
@staff_only
def import_csv() -> tuple[str, int]:
    form = ImportForm()
    upload = request.files.get("file")
    data = upload.read(MAX_CSV_BYTES + 1) if upload else b""
    if not data:
        return _page(422, errors=["Choose a CSV file first."], import_form=form)
    if len(data) > MAX_CSV_BYTES:
        return _page(422, errors=["That file is too large for a list of learners."], import_form=form)
    try:
        made = import_learners(db(), data.decode("utf-8-sig", "replace"), _cohort(form.cohort.data))
    except AccountError as error:
        db().rollback()
        return _page(422, errors=[f"Nobody was added. {error}"], import_form=form)
    audit(db(), g.user.id, "user.imported", f"{len(made)} learners",
          {"usernames": [a.user.username for a in made]}, security.client_ip())
    db().commit()
    return _page(201, created=made)


@bp.route("/learners/<int:user_id>/reset-password", methods=["POST"])
@staff_only
def reset(user_id: int) -> tuple[str, int]:
    user = db().get(User, user_id)
    # Instructors reset learners' passwords; other accounts are the admin's (admin pages).
    if user is None or (user.role != "learner" and g.user.role != "admin"):
        abort(404)
    password = reset_password(user)
    audit(db(), g.user.id, "user.password_reset", user.username, {}, security.client_ip())
    db().commit()
    return _page(200, created=[NewAccount(user, password)])


@bp.route("/cohorts", methods=["POST"])
@staff_only
def add_cohort() -> Response | tuple[str, int]:
    form = CohortForm()
    if not form.validate():
        return _page(422, cohort_form=form)
    cohort = cohort_named(db(), form.name.data or "")
    audit(db(), g.user.id, "cohort.created", cohort.name, {}, security.client_ip())
    db().commit()
    flash(f"The cohort {cohort.name} is ready.", "info")
    return redirect(url_for("roster.roster"))


@bp.route("/cohorts/<int:cohort_id>/members", methods=["POST"])
@staff_only
def members(cohort_id: int) -> Response:
    """Add (`add`=username) or remove (`remove`=user id) one learner of a cohort."""
    cohort = db().get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if request.form.get("remove", type=int):
        user = db().get(User, request.form.get("remove", type=int))
        if user in cohort.members:
            cohort.members.remove(user)
    elif request.form.get("add"):
        name = (request.form.get("add") or "").strip().lower()[:64]
        user = db().scalar(select(User).where(User.username == name))
        if user is None:
            flash(f"There is no user called {name}.", "error")
            return redirect(url_for("roster.roster"))
        if user not in cohort.members:
            cohort.members.append(user)
    change = {"add": request.form.get("add", ""), "remove": request.form.get("remove", "")}
    audit(db(), g.user.id, "cohort.changed", cohort.name, change, security.client_ip())
    db().commit()
    return redirect(url_for("roster.roster"))


@bp.route("/cohorts/<int:cohort_id>/daily-attempts", methods=["POST"])
@staff_only
def daily_attempts(cohort_id: int) -> Response:
    """Set how many attempts a learner of the cohort may send in 24 hours (empty: the site's number)."""
    cohort = db().get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    raw = (request.form.get("daily_attempts") or "").strip()
    if raw and not (raw.isdigit() and 1 <= int(raw) <= MAX_DAILY_ATTEMPTS):
        flash(f"Attempts a day: give a whole number from 1 to {MAX_DAILY_ATTEMPTS}, or leave it empty.",
              "error")
        return redirect(url_for("roster.roster"))
    cohort.daily_attempts = int(raw) if raw else None
    audit(db(), g.user.id, "cohort.daily_attempts", cohort.name, {"daily_attempts": cohort.daily_attempts},
          security.client_ip())
    db().commit()
    shown = cohort.daily_attempts or f"the site's {settings().daily_attempts or 'unlimited'}"
    flash(f"Learners of {cohort.name} may now send {shown} attempts in 24 hours.", "info")
    return redirect(url_for("roster.roster"))

"""web/pictures.py: a browser check's pictures on the result page, the learner's beside the model
solution's, served from the site itself; nobody else's, and never a hidden check's to a learner."""

from __future__ import annotations

import base64
import io

from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.browser.references import ReferenceStore
from grader.result import Picture
from store.models import Submission, User, utcnow
from tests.helpers.site import Browser, settings_of

SHA = "ab" * 32


def png(colour: str) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), colour).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def browser_check(check_id: str, hidden: bool = False) -> dict[str, object]:
    return {"id": check_id, "title": f"Looks {check_id}", "kind": "browser", "status": "fail", "score": 0.0,
            "max_score": 1.0, "message": "1 of 2 tests passed", "hint": None, "output": "", "tests": [],
            "hidden": hidden, "images": [{"viewport": "375x800", "png_base64": png("red")}]}


def graded_submission(session: Session, user_id: int) -> int:
    result = {"format": 1, "exercise": "web/page", "status": "fail", "score": 0.0, "max_score": 2.0,
              "duration_s": 1.0, "checks": [browser_check("shown"), browser_check("secret", hidden=True)],
              "provenance": {"exercise_sha256": SHA, "image": "sha256:x", "grader_version": "0"},
              "message": ""}
    submission = Submission(user_id=user_id, exercise_key="web/page", files={"index.html": "<h1>"},
                            status="done", result=result, score=0.0, max_score=2.0, finished_at=utcnow())
    session.add(submission)
    session.commit()
    return submission.id


def ann_id(session: Session) -> int:
    return session.scalars(select(User.id).where(User.username == "ann")).one()


def test_the_result_shows_the_learners_picture_beside_the_models(
    app: Flask, as_ann: Browser, db_session: Session
) -> None:
    ReferenceStore(settings_of(app).references).save(SHA, {"shown": (Picture("375x800", png("blue")),)})
    submission_id = graded_submission(db_session, ann_id(db_session))
    page = as_ann.get(f"/submissions/{submission_id}")
    html = page.get_data(as_text=True)
    mine = f"/submissions/{submission_id}/pictures/shown/375x800.png"
    model = f"/submissions/{submission_id}/reference/shown/375x800.png"
    assert f'src="{mine}"' in html and f'src="{model}"' in html
    assert "Your page, 375 px wide" in html and "The model solution, 375 px wide" in html
    assert "data:image" not in html  # served from the site, not inlined
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]  # the policy is unchanged
    for url, colour in ((mine, (255, 0, 0)), (model, (0, 0, 255))):
        answer = as_ann.get(url)
        assert answer.status_code == 200 and answer.mimetype == "image/png"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert Image.open(io.BytesIO(answer.data)).getpixel((0, 0)) == colour


def test_a_hidden_checks_pictures_are_for_staff_only(
    as_ann: Browser, as_ines: Browser, db_session: Session
) -> None:
    submission_id = graded_submission(db_session, ann_id(db_session))
    url = f"/submissions/{submission_id}/pictures/secret/375x800.png"
    assert as_ann.get(url).status_code == 404
    assert f'src="{url}"' not in as_ann.get(f"/submissions/{submission_id}").get_data(as_text=True)
    assert as_ines.get(url).status_code == 200


def test_nobody_else_sees_the_pictures(as_ann: Browser, as_bob: Browser, db_session: Session) -> None:
    submission_id = graded_submission(db_session, ann_id(db_session))
    for kind in ("pictures", "reference"):
        assert as_bob.get(f"/submissions/{submission_id}/{kind}/shown/375x800.png").status_code == 404
    assert as_ann.get(f"/submissions/{submission_id}/reference/shown/375x800.png").status_code == 404  # none


def test_the_api_leaves_the_picture_bytes_to_their_route(as_ann: Browser, db_session: Session) -> None:
    submission_id = graded_submission(db_session, ann_id(db_session))
    data = as_ann.get(f"/api/submissions/{submission_id}").get_json()
    shown = next(check for check in data["result"]["checks"] if check["id"] == "shown")
    assert shown["images"] == [{"viewport": "375x800"}]
    assert "png_base64" not in str(data)

"""grader/checks/http.py and httpjudge.py on the host: a generated case's requests filled in, and
`text_contains` read as a browser shows the page (or raw)."""

from __future__ import annotations

from typing import Any

from grader.checks.http import filled_request
from grader.checks.http_requests import HttpRequest
from grader.checks.httpjudge import judge_response


def response(body: str, status: int = 200) -> dict[str, Any]:
    return {"status": status, "headers": [["Content-Type", "text/html; charset=utf-8"]], "body": body,
            "truncated": False, "url": "/"}


def request(data: dict[str, Any]) -> HttpRequest:
    return HttpRequest.model_validate(data)


def test_a_filled_case_expects_only_what_the_check_wrote() -> None:
    written = request({"path": "/hello/{name}", "expect": {"status": 200, "text_contains": "Hello, {name}!"}})
    filled = filled_request(written, {"name": "O'Brien <b>"})
    assert filled.path == "/hello/O%27Brien%20%3Cb%3E"
    assert filled.expect.text_contains == ("Hello, O'Brien <b>!",)
    assert not filled.has_json and not filled.expect.has_json  # no JSON sent, none expected
    page = response("<p>Hello, O&#39;Brien &lt;b&gt;!</p>")
    assert judge_response(filled, page).status == "pass"


def test_text_contains_reads_the_text_a_browser_shows_unless_raw() -> None:
    shown = request({"path": "/", "expect": {"text_contains": "Hello, Ann!"}})
    assert judge_response(shown, response("<h1>Hello, <em>Ann</em>!</h1>")).status == "pass"
    raw = request({"path": "/", "expect": {"text_contains": "Hello, Ann!", "raw": True}})
    assert judge_response(raw, response("<h1>Hello, <em>Ann</em>!</h1>")).status == "fail"


def test_a_tag_shown_as_text_is_told_apart_from_one_turned_into_html() -> None:
    check = request({"path": "/", "expect": {"text_contains": "<script>alert(1)</script>",
                                             "html": [{"selector": "script", "count": 0}]}})
    assert judge_response(check, response("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")).status == "pass"
    unsafe = judge_response(check, response("<p><script>alert(1)</script></p>"))
    assert unsafe.status == "fail"

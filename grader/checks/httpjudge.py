"""Judging the raw responses of an `http` check against each request's `expect`, on the host."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from grader.checks.common import MissingSolutionOutput
from grader.checks.http_requests import HttpExpect, HttpRequest
from grader.checks.reports import MalformedReport, check_shape, list_of
from grader.markup.document import UncheckablePage, collapse_whitespace, parse_page, visible_text
from grader.markup.evaluate import evaluate_assertions
from grader.result import TestOutcome


def json_mismatch(expected: Any, actual: Any, path: str = "") -> str | None:
    """Where `actual` fails to contain `expected` (objects: a subset of keys; lists: same length,
    each item matching), or None when it does."""
    where = path or "the JSON"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where} should be an object, not {_shown(actual)}"
        for key, value in expected.items():
            if key not in actual:
                return f"{where} has no key {key!r}"
            problem = json_mismatch(value, actual[key], f"{path}.{key}" if path else key)
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where} should be a list of {len(expected)} items, got {_shown(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            problem = json_mismatch(want, got, f"{path}[{index}]")
            if problem:
                return problem
        return None
    if expected != actual or type(expected) is not type(actual) and not _numbers(expected, actual):
        return f"{where} should be {json.dumps(expected)}, not {_shown(actual)}"
    return None


def _shown(value: Any) -> str:
    try:
        return json.dumps(value)[:80]
    except (ValueError, RecursionError):
        return "(too deep to show)"


def _numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b))


def _header(response: Mapping[str, Any], name: str) -> str | None:
    for key, value in response.get("headers", []):
        if str(key).lower() == name.lower():
            return str(value)
    return None


def page_text(response: Mapping[str, Any]) -> str:
    """The text a browser shows for the response: an HTML page's words with the tags removed and the
    entities decoded (`Hello, <em>Ann</em>!` reads "Hello, Ann!", `&lt;b&gt;` reads "<b>"), spaces
    collapsed; any other body as it is."""
    body = str(response.get("body", ""))
    content_type = (_header(response, "Content-Type") or "").lower()
    if "html" not in content_type:
        return body
    try:
        return visible_text(parse_page(body, line_numbers=False))
    except UncheckablePage:
        return collapse_whitespace(body)


def _squeezed(text: str, raw: bool) -> str:
    return text if raw else collapse_whitespace(text)


def _missing_text(text: str, shown: str, raw: bool) -> str:
    if raw:
        return f"The answer should contain {text!r}, but it does not."
    quoted = shown if len(shown) <= 200 else shown[:199] + "…"
    return f"The page should say {text!r}, but it does not. A browser shows: {quoted!r}"


def _unlike_solution(
    expect: HttpExpect, response: Mapping[str, Any], model: Mapping[str, Any] | None
) -> str | None:
    """The first part of `like_solution` where the response differs from the reference solution's."""
    if not expect.like_solution:
        return None
    if model is None or "error" in model:
        raise MissingSolutionOutput("the reference solution gave no answer to compare with")
    for part in expect.like_solution:
        if part == "status" and int(response.get("status", 0)) != int(model.get("status", 0)):
            mine, theirs = response.get("status"), model.get("status")
            return f"Your app answered with the status {mine}, but it should be {theirs}."
        if part == "json":
            try:
                mine = json.loads(str(response.get("body", "")))
                theirs = json.loads(str(model.get("body", "")))
            except (ValueError, RecursionError):
                return "The response is not the JSON it should be (use jsonify, or return a dict)."
            if mine != theirs:
                return f"The JSON should be {_shown(theirs)}, not {_shown(mine)}."
        if part == "text" and page_text(response) != page_text(model):
            return f"The page should say {page_text(model)[:200]!r}, not {page_text(response)[:200]!r}."
    return None


def request_name(request: HttpRequest) -> str:
    return request.title or f"{request.method} {request.path}"


RESPONSE = {"status": int, "headers": list, "body": str, "truncated": bool, "url": str}
ERROR = {"error": frozenset({"timeout", "connection", "bad-response"}), "detail": (str, None)}


def judge_response(request: HttpRequest, response: Mapping[str, Any],
                   model: Mapping[str, Any] | None = None) -> TestOutcome:
    """One test outcome: pass when every expectation holds, else the first that does not. A
    response that is not what the client reports (whatever the learner's app sent) fails. `model`:
    the reference solution's response to the same request (for `like_solution`)."""
    name = request_name(request)
    try:
        check_shape(response, ERROR if "error" in response else RESPONSE, "the response")
        pairs = response.get("headers", [])
        if "error" not in response and not all(list_of(pair, str) and len(pair) == 2 for pair in pairs):
            raise MalformedReport("headers that are not name, value pairs")
    except MalformedReport:
        response = {"error": "bad-response"}
    if "error" in response:
        if response["error"] == "bad-response":
            detail = f" ({response['detail']})" if response.get("detail") else ""
            message = f"Your app's answer to {request.method} {request.path} is not valid HTTP{detail}."
            return TestOutcome(name, "fail", message)
        what = "did not answer in time" if response["error"] == "timeout" else "did not answer"
        return TestOutcome(name, "fail", f"Your app {what} {request.method} {request.path}.")
    problem = _first_problem(request.expect, response) or _unlike_solution(request.expect, response, model)
    return TestOutcome(name, "fail" if problem else "pass", problem or "")


def _first_problem(expect: HttpExpect, response: Mapping[str, Any]) -> str | None:
    status = int(response.get("status", 0))
    body = str(response.get("body", ""))
    if expect.status is not None and status != expect.status:
        return f"Expected the status {expect.status}, but your app answered {status}."
    for name, wanted in expect.headers.items():
        value = _header(response, name)
        if value is None:
            return f"The response has no {name} header."
        if wanted.lower() not in value.lower():
            return f"The {name} header is {value!r}; it should contain {wanted!r}."
    if expect.redirect_to is not None:
        location = _header(response, "Location")
        if not 300 <= status < 400 or location is None:
            return f"Expected a redirect to {expect.redirect_to}, but the status was {status}."
        if urlsplit(location).path != urlsplit(expect.redirect_to).path:
            return f"Your app redirects to {location}, not to {expect.redirect_to}."
    shown = body if expect.raw else page_text(response)
    for text in expect.text_contains:
        if _squeezed(text, expect.raw) not in shown:
            return _missing_text(text, shown, expect.raw)
    for text in expect.text_not_contains:
        if _squeezed(text, expect.raw) in shown:
            where = "The answer" if expect.raw else "The page, as a browser shows it,"
            return f"{where} should not contain {text!r}, but it does."
    if "json_subset" in expect.model_fields_set:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return "The response is not JSON (use jsonify, or return a dict)."
        problem = json_mismatch(expect.json_subset, data)
        if problem:
            return problem[0].upper() + problem[1:] + "."
    if expect.html:
        failed = [o for o in evaluate_assertions(body, expect.html) if o.status != "pass"]
        if failed:
            return str(failed[0].message)
    return None

"""Judging the raw responses of an `http` check against each request's `expect`, on the host."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from grader.checks.reports import MalformedReport, check_shape, list_of
from grader.markup.assertions import evaluate_assertions
from grader.result import TestOutcome

if TYPE_CHECKING:
    from grader.checks.http import HttpExpect, HttpRequest

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


def request_name(request: HttpRequest) -> str:
    return request.title or f"{request.method} {request.path}"


RESPONSE = {"status": int, "headers": list, "body": str, "truncated": bool, "url": str}
ERROR = {"error": frozenset({"timeout", "connection", "bad-response"}), "detail": (str, None)}


def judge_response(request: HttpRequest, response: Mapping[str, Any]) -> TestOutcome:
    """One test outcome: pass when every expectation holds, else the first that does not. A
    response that is not what the client reports (whatever the learner's app sent) fails."""
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
    problem = _first_problem(request.expect, response)
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
    for text in expect.text_contains:
        if text not in body:
            return f"The page should contain {text!r}, but it does not."
    for text in expect.text_not_contains:
        if text in body:
            return f"The page should not contain {text!r}."
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

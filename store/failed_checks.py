"""`Submission.failed_checks`: the checks a grading did not pass, kept beside the result so that the
classroom view counts and quotes failures without loading results (a result can hold pictures).

Each entry is {"id", "title", "status", "message", "hidden"}: the message is what the check said (for a
hidden check too: only staff pages read this column), capped at MESSAGE_CAP characters.
"""

from __future__ import annotations

from typing import Any

MESSAGE_CAP = 240


def failed_checks(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The failed checks of a stored result (format 1), in the result's order."""
    found = []
    for check in (result or {}).get("checks") or []:
        if not isinstance(check, dict) or check.get("status") == "pass":
            continue
        message = str(check.get("message") or "").strip()
        if not message:
            lines = (line.strip() for line in str(check.get("output") or "").splitlines())
            message = next((line for line in lines if line), "")
        if len(message) > MESSAGE_CAP:
            message = message[: MESSAGE_CAP - 1] + "…"
        found.append({"id": str(check.get("id")), "title": str(check.get("title") or check.get("id")),
                      "status": str(check.get("status")), "message": message,
                      "hidden": bool(check.get("hidden"))})
    return found

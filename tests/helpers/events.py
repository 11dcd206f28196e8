"""Reading the site's push channel (web/events.py) from the test client: a stream read to its end, or
its events one by one as they come."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.helpers.site import Browser

Event = tuple[str, dict[str, Any]]


def _url(topics: tuple[str, ...]) -> str:
    return "/events?" + "&".join(f"watch={topic}" for topic in topics)


def _parse(block: str) -> Event | None:
    lines = [line for line in block.split("\n") if ": " in line and not line.startswith(":")]
    fields = dict(line.split(": ", 1) for line in lines)
    return (fields["event"], json.loads(fields["data"])) if "event" in fields else None


def stream_events(browser: Browser, *topics: str) -> list[Event]:
    """The events of one stream of `topics`, read to its end."""
    response = browser.client.get(_url(topics), buffered=True)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    found = (_parse(block) for block in response.get_data(as_text=True).split("\n\n"))
    return [event for event in found if event is not None]


def follow(browser: Browser, *topics: str) -> Iterator[Event]:
    """The events of one stream of `topics` as they come (the stream is closed with the iterator)."""
    response = browser.client.get(_url(topics), buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    text = ""
    try:
        for chunk in response.response:
            text += chunk if isinstance(chunk, str) else chunk.decode()
            while "\n\n" in text:
                block, text = text.split("\n\n", 1)
                event = _parse(block)
                if event is not None:
                    yield event
    finally:
        response.close()

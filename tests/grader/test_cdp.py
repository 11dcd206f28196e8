"""grader/harness/cdp.py: the DevTools client over a pair of pipes, with a fake browser at the other
end. (It runs inside the sandbox with the standard library only, so it is loaded from its file.)"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "grader" / "harness"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"harness_{name}", HARNESS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cdp = load("cdp")


class FakeBrowser:
    """Reads commands from one pipe and answers on another, as Chromium's debugging pipe does."""

    def __init__(self) -> None:
        self.commands_r, commands_w = os.pipe()
        replies_r, self.replies_w = os.pipe()
        self.seen: list[dict[str, Any]] = []
        self.connection = cdp.Connection(commands_w, replies_r, on_event=self.seen.append,
                                         kept=("Page.loadEventFired",))

    def next_command(self) -> dict[str, Any]:
        data = b""
        while not data.endswith(b"\0"):
            data += os.read(self.commands_r, 1)
        return dict(json.loads(data[:-1]))

    def send(self, *messages: dict[str, Any], split: bool = False) -> None:
        raw = b"".join(json.dumps(message).encode() + b"\0" for message in messages)
        for piece in ([raw[:7], raw[7:]] if split else [raw]):
            os.write(self.replies_w, piece)
            time.sleep(0.01)

    def close(self) -> None:
        os.close(self.replies_w)


@pytest.fixture
def browser() -> Iterator[FakeBrowser]:
    fake = FakeBrowser()
    yield fake
    for fd in (fake.commands_r, fake.connection.to_browser, fake.connection.from_browser):
        os.close(fd)


def answer(browser: FakeBrowser, reply: dict[str, Any], *events: dict[str, Any]) -> threading.Thread:
    def serve() -> None:
        command = browser.next_command()
        browser.send(*events, {"id": command["id"], **reply}, split=True)

    thread = threading.Thread(target=serve)
    thread.start()
    return thread


def test_a_command_gets_its_reply_and_events_on_the_way_are_dispatched(browser: FakeBrowser) -> None:
    load_event = {"method": "Page.loadEventFired", "sessionId": "s1", "params": {}}
    log_event = {"method": "Log.entryAdded", "params": {}}
    thread = answer(browser, {"result": {"frameId": "f"}}, log_event, load_event)
    reply = browser.connection.call("Page.navigate", {"url": "x"}, "s1", time.monotonic() + 5)
    assert reply == {"frameId": "f"}
    thread.join()
    assert [event["method"] for event in browser.seen] == ["Log.entryAdded", "Page.loadEventFired"]
    assert browser.connection.wait_event(("Page.loadEventFired",), time.monotonic() + 1, "s1") == load_event


def test_a_refusal_is_an_error_and_silence_is_a_deadline(browser: FakeBrowser) -> None:
    thread = answer(browser, {"error": {"message": "No target"}})
    with pytest.raises(cdp.CdpError, match="Target.attachToTarget: No target"):
        browser.connection.call("Target.attachToTarget", deadline=time.monotonic() + 5)
    thread.join()
    started = time.monotonic()
    with pytest.raises(cdp.Deadline):
        browser.connection.call("Runtime.evaluate", deadline=time.monotonic() + 0.2)
    assert time.monotonic() - started < 1


def test_a_browser_that_goes_away_is_told_apart(browser: FakeBrowser) -> None:
    browser.close()
    with pytest.raises(cdp.BrowserGone):
        browser.connection.call("Page.enable", deadline=time.monotonic() + 5)


def test_a_pause_lets_time_pass_but_not_past_the_deadline(browser: FakeBrowser) -> None:
    started = time.monotonic()
    browser.connection.pause(0.1, started + 5)
    assert 0.1 <= time.monotonic() - started < 0.5
    with pytest.raises(cdp.Deadline):
        browser.connection.pause(5, time.monotonic() + 0.1)

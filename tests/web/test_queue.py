"""The grading queue (web/queue.py): tokens carrying ids, as JSON, on SQLite or Redis storage."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from web import queue
from web.queue import GradingQueue, JsonMessages, enqueue, make_queue, set_token_handler


@pytest.fixture
def sqlite_queue(tmp_path: Path) -> tuple[str, GradingQueue]:
    url = f"sqlite:///{tmp_path / 'queue' / 'queue.db'}"
    return url, queue.get_queue(url)


@pytest.fixture
def handled() -> Iterator[list[int]]:
    seen: list[int] = []
    set_token_handler(seen.append)
    yield seen
    set_token_handler(None)


def test_a_token_carries_only_the_submission_id_as_json(sqlite_queue: tuple[str, GradingQueue]) -> None:
    url, grading = sqlite_queue
    enqueue(41, url)
    enqueue(42, url)
    assert grading.pending() == 2
    raw = grading.huey.storage.dequeue()
    assert b'"args": [41]' in raw and b"pickle" not in raw
    assert raw.lstrip().startswith(b"{")


def test_a_worker_runs_tokens_through_its_handler(sqlite_queue: tuple[str, GradingQueue],
                                                  handled: list[int]) -> None:
    url, grading = sqlite_queue
    enqueue(7, url)
    task = grading.huey.dequeue()
    assert task is not None
    grading.huey.execute(task)
    assert handled == [7]


def test_a_pickled_message_is_refused_not_unpickled(sqlite_queue: tuple[str, GradingQueue]) -> None:
    _url, grading = sqlite_queue

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("unpickled!",))

    grading.huey.storage.enqueue(pickle.dumps(Boom()))
    with pytest.raises(ValueError):
        grading.huey.dequeue()


def test_only_integer_arguments_travel() -> None:
    messages = JsonMessages()
    with pytest.raises(TypeError):
        messages.serialize({"not": "a message"})
    with pytest.raises(ValueError):
        messages.deserialize(b'{"id": "x", "name": "web.queue.grade", "retries": 0, "retry_delay": 0, '
                             b'"retry_backoff": 0, "priority": null, "args": ["rm -rf /"], "kwargs": {}}')


def test_the_configured_queue_is_used_by_default(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'configured.db'}"
    queue.configure(url)
    try:
        enqueue(3)
        assert queue.get_queue(url).pending() == 1
    finally:
        queue.configure(None)


def test_redis_urls_make_a_blocking_redis_queue() -> None:
    grading = make_queue("redis://127.0.0.1:1/0")  # nothing is contacted before the first use
    assert type(grading.huey).__name__ == "RedisHuey"
    assert grading.huey.storage.blocking


def test_an_unknown_queue_url_is_refused() -> None:
    with pytest.raises(SystemExit, match="GRADER_QUEUE_URL"):
        make_queue("amqp://somewhere")

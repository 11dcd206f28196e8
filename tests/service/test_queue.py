"""The grading queue (service/queue.py): tokens carrying ids, as JSON, on SQLite or Redis storage."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from service.queue import GradingQueue, JsonMessages, make_queue


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'queue' / 'queue.db'}"


@pytest.fixture
def grading(url: str) -> GradingQueue:
    """The queue as the site opens it: for enqueueing only."""
    return make_queue(url)


def test_a_token_carries_only_the_submission_id_as_json(grading: GradingQueue) -> None:
    grading.enqueue(41)
    grading.enqueue(42)
    assert grading.pending() == 2
    raw = grading.huey.storage.dequeue()
    assert b'"args": [41]' in raw and b"pickle" not in raw
    assert raw.lstrip().startswith(b"{")


def test_a_worker_runs_tokens_through_its_handler(url: str, grading: GradingQueue) -> None:
    handled: list[int] = []
    worker = make_queue(url, handled.append)
    grading.enqueue(7)
    task = worker.huey.dequeue()
    assert task is not None
    worker.huey.execute(task)
    assert handled == [7]


def test_a_pickled_message_is_refused_not_unpickled(grading: GradingQueue) -> None:

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
        messages.deserialize(b'{"id": "x", "name": "service.queue.grade", "retries": 0, "retry_delay": 0, '
                             b'"retry_backoff": 0, "priority": null, "args": ["rm -rf /"], "kwargs": {}}')


def test_redis_urls_make_a_blocking_redis_queue() -> None:
    grading = make_queue("redis://127.0.0.1:1/0")  # nothing is contacted before the first use
    assert type(grading.huey).__name__ == "RedisHuey"
    assert grading.huey.storage.blocking


def test_an_unknown_queue_url_is_refused() -> None:
    with pytest.raises(SystemExit, match="GRADER_QUEUE_URL"):
        make_queue("amqp://somewhere")

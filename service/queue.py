"""The grading queue on Huey: SQLite by default (no server), Redis when grading spans machines.

The submission row in the database is the source of truth. The queue only carries tokens: "a
submission was queued" with its id. A worker slot that runs a token claims the fairest queued
submission from the database (`service.scheduler.claim_next`), which may be another learner's, so a
lost or duplicate token never loses or doubles a grading. Messages are JSON, never pickle: whoever
can write to a shared Redis must not be able to run code on the workers that hold the Docker socket.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from huey.registry import Message
from huey.serializer import Serializer

QUEUE_NAME = "grader"
TASK_NAME = "grade"
TokenHandler = Callable[[int], None]


class JsonMessages(Serializer):
    """Huey messages as JSON holding only a task name and integer arguments."""

    _SIMPLE = ("id", "name", "retries", "retry_delay", "retry_backoff", "priority", "args", "kwargs")

    def _serialize(self, data: Any) -> bytes:
        if not isinstance(data, Message):
            raise TypeError(f"the grading queue carries task messages only, not {type(data).__name__}")
        fields = data._asdict()
        extra = [name for name, value in fields.items() if name not in self._SIMPLE and value is not None]
        if extra or fields["kwargs"] or not all(isinstance(arg, int) for arg in fields["args"]):
            raise TypeError(f"the grading queue carries integer arguments only ({fields['name']})")
        return json.dumps({name: fields[name] for name in self._SIMPLE}).encode()

    def _deserialize(self, data: bytes) -> Message:
        fields = json.loads(data)
        if not isinstance(fields, dict) or set(fields) != set(self._SIMPLE):
            raise ValueError("not a grading queue message")
        if not all(isinstance(arg, int) for arg in fields["args"]):
            raise ValueError("a grading queue message with non-integer arguments")
        return Message(**{**fields, "args": tuple(fields["args"]), "kwargs": {}})


@dataclass(frozen=True)
class GradingQueue:
    huey: Huey
    token: TaskWrapper
    """Calling it with a submission id enqueues a token."""

    def pending(self) -> int:
        """Tokens waiting in the queue."""
        return int(self.huey.pending_count())

    def enqueue(self, submission_id: int) -> None:
        """Tell the workers that submission `submission_id` is queued. Call it after the row with
        status "queued" is committed. Raises whatever the queue's storage raises when it is down;
        the submission is then still picked up by the next worker sweep (it is in the database)."""
        self.token(int(submission_id))


def make_queue(url: str, handler: TokenHandler | None = None) -> GradingQueue:
    """The queue at `url` (`sqlite:///path/queue.db` or `redis://host:port/db`) with the grading
    task registered under a fixed name, so the site and the workers agree on it. `handler` is what a
    worker slot does with a token; the site, which only enqueues, gives none."""
    options: dict[str, Any] = {"results": False, "serializer": JsonMessages()}
    if url.startswith(("redis://", "rediss://", "unix://")):
        # A blocking pop wakes a slot the moment a token arrives: no polling delay.
        queue: Huey = RedisHuey(QUEUE_NAME, url=url, blocking=True, read_timeout=1, **options)
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        queue = SqliteHuey(QUEUE_NAME, filename=str(path), timeout=10, **options)
    else:
        raise SystemExit(f"GRADER_QUEUE_URL={url!r}: use sqlite:///PATH or redis://HOST:PORT/DB")

    def run_token(submission_id: int) -> None:
        if handler is None:
            raise RuntimeError("a grading token ran outside a worker (no handler set)")
        handler(submission_id)

    return GradingQueue(queue, queue.task(name=TASK_NAME, retries=0)(run_token))

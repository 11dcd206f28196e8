"""The bridge's codec, wire and proxies (grader/harness/grader_bridge/), here on the host: values cross
as exact built-in types, and anything malformed that a learner's server could send is refused with a
plain error, never believed and never a crash of the test process."""

from __future__ import annotations

import json
import math
import socket
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "grader" / "harness"))
from grader_bridge import codec, proxies, wire  # noqa: E402  (stdlib-only modules of the image)

Answer = Callable[[dict[str, Any]], Any]


def no_handles(value: object) -> dict[str, Any]:
    raise AssertionError(f"unexpected handle for {value!r}")


def round_trip(value: object) -> object:
    data = json.loads(json.dumps(codec.encode(value, no_handles)))
    return codec.decode(data, lambda tag, payload: pytest.fail("no handle expected"))


VALUES = [
    None, True, False, 0, -7, 10**300, 1.5, -0.0, math.inf, "", "caf\u00e9 \ud800", b"\x00\xff", [], [1, [2]],
    (), (1, (2, 3)), {1, "a"}, frozenset({(1, 2)}), {"a": 1, 2: [3], (4, 5): None}, slice(1, None, 2),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_plain_values_come_back_equal_and_of_the_exact_type(value: object) -> None:
    back = round_trip(value)
    assert back == value and type(back) is type(value)


def test_nan_crosses() -> None:
    back = round_trip(math.nan)
    assert isinstance(back, float) and math.isnan(back)


def test_subclasses_of_plain_types_are_handles() -> None:
    class Sneaky(str):
        pass

    handed = []
    codec.encode(["ok", Sneaky("x"), True], lambda value: handed.append(value) or {"$h": {"id": 1}})
    assert [type(value) for value in handed] == [Sneaky]


def test_huge_integers_and_deep_values_are_not_plain() -> None:
    assert codec.encode(10**2000, lambda value: {"$h": {"id": 9}}) == {"$h": {"id": 9}}
    deep: list[Any] = []
    for _ in range(codec.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(codec.CodecError, match="nested"):
        codec.encode(deep, no_handles)


@pytest.mark.parametrize("node", [
    {"$t": "not a list"}, {"$x": []}, {"$t": [], "$s": []}, {"$b": "***"}, {"$b": 5}, {"$s": [[1]]},
    {"$d": [[1]]}, {"$d": [[[1], 2]]}, {"$sl": [1]}, {"a": 1},
])
def test_anything_the_encoder_could_not_have_made_is_refused(node: object) -> None:
    with pytest.raises(codec.CodecError):
        codec.decode(node, lambda tag, payload: pytest.fail("no handle expected"))


def test_in_place_updates_keep_identity() -> None:
    inner = [1]
    target: list[Any] = [inner, {"k": 1}, 3]
    proxies.update_in_place(target, [[1, 2], {"k": 2}, 4, 5])
    assert target == [[1, 2], {"k": 2}, 4, 5] and target[0] is inner
    counts = {"a": 1}
    proxies.update_in_place(counts, {"a": 3, "b": 1})
    assert counts == {"a": 3, "b": 1}
    with pytest.raises(codec.CodecError):
        proxies.update_in_place([1], {"now": "a dict"})


# -- the test process's side, against a fake learner server ------------------------------------


@pytest.fixture
def bridge_to() -> Iterator[Callable[[Answer], proxies.Bridge]]:
    """A Bridge whose other end is a thread answering each request with `answer(request)`: a dict
    (sent as a message), bytes (sent raw), or None (hang up)."""
    threads: list[threading.Thread] = []
    sockets: list[socket.socket] = []

    def make(answer: Answer) -> proxies.Bridge:
        ours, theirs = socket.socketpair()
        sockets.extend((ours, theirs))

        def serve() -> None:
            while True:
                try:
                    request = wire.receive(theirs)
                except (wire.Closed, wire.WireError):
                    return
                reply = answer(request)
                if reply is None:
                    theirs.close()
                    return
                if isinstance(reply, bytes):
                    theirs.sendall(reply)
                else:
                    wire.send(theirs, {"re": request["req"], **reply})

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        threads.append(thread)
        return proxies.Bridge(ours)

    yield make
    for sock in sockets:
        sock.close()
    for thread in threads:
        thread.join(timeout=5)


def handle(number: int = 1) -> dict[str, Any]:
    return {"$h": {"id": number, "kind": "object", "type": "Thing", "name": None, "base": None}}


def test_an_answer_is_rebuilt(bridge_to: Callable[[Answer], proxies.Bridge]) -> None:
    bridge = bridge_to(lambda request: {"ok": {"$t": [1, "two"]}, "out": "printed\n"})
    assert bridge.request("call", obj=1) == (1, "two")


@pytest.mark.parametrize("reply", [
    {"ok": 1, "raise": {}},  # both
    {"extra": 1, "ok": 1},  # unknown key
    {"ok": {"$nope": 1}},  # unknown value
    {"ok": 1, "out": 5},  # printed output that is not text
    {"raise": {"class": {"builtin": "print"}, "args": [], "str": ""}},  # not an exception class
    {"raise": {"class": {"id": "x"}, "args": [], "str": ""}},  # a class without a number
    {"ok": 1, "sync": [[0, [1]]]},  # a changed argument that was never passed
])
def test_a_malformed_answer_fails_with_a_plain_message(
    bridge_to: Callable[[Answer], proxies.Bridge], reply: dict[str, Any]
) -> None:
    bridge = bridge_to(lambda request: reply)
    with pytest.raises(proxies.UnreadableAnswer, match="could not read"):
        bridge.request("call", obj=1)
    with pytest.raises(proxies.UnreadableAnswer, match="in an earlier test"):  # and the bridge is ended
        bridge.request("call", obj=1)


@pytest.mark.parametrize("raw", [
    struct.pack(">I", wire.MAX_MESSAGE + 1),  # a message over the limit
    struct.pack(">I", 5) + b"nope!",  # not JSON
    struct.pack(">I", 2) + b"[]",  # not an object
])
def test_a_broken_message_fails_plainly(bridge_to: Callable[[Answer], proxies.Bridge], raw: bytes) -> None:
    bridge = bridge_to(lambda request: raw)
    with pytest.raises(proxies.UnreadableAnswer):
        bridge.request("call", obj=1)


def test_an_answer_to_another_question_is_refused(bridge_to: Callable[[Answer], proxies.Bridge]) -> None:
    bridge = bridge_to(lambda request: struct.pack(">I", 13) + b'{"re":99,"ok":1}'[:13])
    with pytest.raises(proxies.UnreadableAnswer):
        bridge.request("call", obj=1)


def test_a_server_that_ends_ends_every_later_request(bridge_to: Callable[[Answer], proxies.Bridge]) -> None:
    bridge = bridge_to(lambda request: None)
    for _ in range(2):
        with pytest.raises(proxies.YourProgramEnded, match="ended the program"):
            bridge.request("call", obj=1)


@pytest.mark.parametrize(("operation", "answer"), [
    (lambda thing: bool(thing), "yes"),
    (lambda thing: len(thing), "3"),
    (lambda thing: hash(thing), 1.5),
    (lambda thing: str(thing), 7),
    (lambda thing: thing == thing, 1),
    (lambda thing: 3 in thing, "yes"),
])
def test_answers_that_must_be_of_a_type_are_checked(
    bridge_to: Callable[[Answer], proxies.Bridge], operation: Callable[[Any], Any], answer: Any
) -> None:
    replies = iter([{"ok": handle()}, {"ok": answer}])
    bridge = bridge_to(lambda request: next(replies))
    thing = bridge.request("call", obj=1)
    with pytest.raises(TypeError, match="should give"):
        operation(thing)


def test_a_learners_object_never_equals_a_plain_value(bridge_to: Callable[[Answer], proxies.Bridge]) -> None:
    asked: list[str] = []

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        asked.append(request.get("name") or request["op"])
        return {"ok": handle()} if request["op"] == "call" else {"ok": True}

    thing = bridge_to(answer).request("call", obj=1)
    assert thing != 5 and not (thing == "5") and 5 != thing and thing not in [5, "5"]
    with pytest.raises(TypeError):
        thing < 5  # noqa: B015  (never ordered against, nor combined with, a plain value)
    with pytest.raises(TypeError):
        thing + 1
    assert asked == ["call"]  # the learner's process was never asked
    assert thing == thing  # two of the learner's objects: the learner's objects answer


def test_a_learners_exception_keeps_name_and_base(bridge_to: Callable[[Answer], proxies.Bridge]) -> None:
    ref = {"id": 7, "name": "StackUnderflowError", "module": "stack", "bases": [{"builtin": "IndexError"}]}
    replies = iter([
        {"ok": {"$e": ref}},
        {"raise": {"class": ref, "args": ["empty"], "str": "the stack is empty", "object": handle(8)["$h"],
                   "where": {"file": "stack.py", "line": 4}, "traceback": ""}},
    ])
    bridge = bridge_to(lambda request: next(replies))
    cls = bridge.request("getattr", obj=1, name="StackUnderflowError")
    assert cls.__name__ == "StackUnderflowError" and issubclass(cls, IndexError)
    with pytest.raises(cls, match="the stack is empty") as caught:
        bridge.request("call", obj=2)
    assert caught.value.__grader_where__ == {"file": "stack.py", "line": 4}


@pytest.mark.parametrize(("ref", "raised"), [
    ({"builtin": "KeyboardInterrupt"}, proxies.SafeKeyboardInterrupt),
    ({"stdlib": ["unittest.case", "SkipTest"], "fallback": "Exception"}, Exception),
    ({"stdlib": ["nowhere", "Nothing"], "fallback": "ValueError"}, ValueError),
])
def test_no_learner_error_can_skip_or_stop_the_tests(
    bridge_to: Callable[[Answer], proxies.Bridge], ref: dict[str, Any], raised: type[BaseException]
) -> None:
    """unittest's SkipTest would make a test not count, KeyboardInterrupt would stop the run: a
    learner's code raising them fails its test instead."""
    error = {"class": ref, "args": [], "str": "", "object": handle()["$h"], "where": None, "traceback": ""}
    bridge = bridge_to(lambda request: {"raise": error})
    with pytest.raises(BaseException) as caught:
        bridge.request("call", obj=1)
    assert type(caught.value) is raised
    assert not isinstance(caught.value, (KeyboardInterrupt, __import__("unittest").SkipTest))

"""Tests of sandbox/stream.py: attach frames split anywhere, per-stream caps, the deadline (no engine)."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from sandbox.stream import STDERR, STDOUT, CappedOutput, pump


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


FRAMES = frame(STDOUT, b"hello ") + frame(STDERR, b"oops\n") + frame(STDOUT, b"") + frame(STDOUT, b"world\n")


def test_frames_are_demultiplexed() -> None:
    output = CappedOutput(1024)
    output.feed(FRAMES)
    assert output.streams == {STDOUT: b"hello world\n", STDERR: b"oops\n"}
    assert output.capped == {STDOUT: False, STDERR: False}


@pytest.mark.parametrize("cut", range(len(FRAMES) + 1))
def test_a_split_at_any_byte_gives_the_same_streams(cut: int) -> None:
    output = CappedOutput(1024)
    output.feed(FRAMES[:cut])
    output.feed(FRAMES[cut:])
    assert output.streams == {STDOUT: b"hello world\n", STDERR: b"oops\n"}


def test_one_byte_at_a_time_gives_the_same_streams() -> None:
    output = CappedOutput(1024)
    for index in range(len(FRAMES)):
        output.feed(FRAMES[index : index + 1])
    assert output.streams == {STDOUT: b"hello world\n", STDERR: b"oops\n"}


def test_stdin_frames_of_an_unknown_kind_count_as_stdout() -> None:
    output = CappedOutput(1024)
    output.feed(frame(0, b"tty?"))
    assert output.streams[STDOUT] == b"tty?"


def test_each_stream_has_its_own_cap_and_keeps_exactly_cap_bytes() -> None:
    output = CappedOutput(10)
    output.feed(frame(STDOUT, b"0123456789"))
    assert not output.over_cap  # exactly the cap is allowed
    output.feed(frame(STDERR, b"e" * 4))
    output.feed(frame(STDOUT, b"ABC"))
    assert output.streams == {STDOUT: b"0123456789", STDERR: b"eeee"}
    assert output.capped == {STDOUT: True, STDERR: False}
    assert output.over_cap


def test_a_frame_larger_than_the_cap_is_cut_at_the_cap() -> None:
    output = CappedOutput(1024)
    output.feed(frame(STDERR, b"x" * 5000))
    assert output.streams[STDERR] == b"x" * 1024 and output.capped[STDERR]
    assert output.streams[STDOUT] == b"" and not output.capped[STDOUT]


def test_the_done_marker_is_found_even_when_split_across_frames_and_reads() -> None:
    data = frame(STDOUT, b"result 42 END-") + frame(STDERR, b"END-7f3a") + frame(STDOUT, b"7f3a\n")
    for cut in range(len(data) + 1):
        output = CappedOutput(1024, done_marker=b"END-7f3a")
        output.feed(data[:cut])
        output.feed(data[cut:])
        assert output.done, cut


def test_the_done_marker_on_stderr_does_not_count() -> None:
    output = CappedOutput(1024, done_marker=b"END-7f3a")
    output.feed(frame(STDERR, b"END-7f3a"))
    assert not output.done


# -- pump over a real socket pair: the host side of an attach connection --------------------

Pair = tuple[socket.socket, socket.socket]


@pytest.fixture
def pair() -> Iterator[Pair]:
    host, engine = socket.socketpair()
    with host, engine:
        yield host, engine


def play(engine: socket.socket, reply: bytes, *, then_close: bool = True) -> threading.Thread:
    """Read stdin until the host shuts it, then send `reply` (and hang up)."""

    def run() -> None:
        while engine.recv(65536):
            pass
        engine.sendall(reply)
        if then_close:
            engine.shutdown(socket.SHUT_WR)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_pump_sends_stdin_then_reads_until_the_engine_hangs_up(pair: Pair) -> None:
    host, engine = pair
    received = bytearray()

    def run() -> None:
        while chunk := engine.recv(65536):
            received.extend(chunk)
        engine.sendall(FRAMES)
        engine.shutdown(socket.SHUT_WR)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    output = CappedOutput(1024)
    assert pump(host, b"stdin bytes" * 10000, output, time.monotonic() + 5) is False
    thread.join(5)
    assert bytes(received) == b"stdin bytes" * 10000
    assert output.streams == {STDOUT: b"hello world\n", STDERR: b"oops\n"}


def test_pump_stops_at_the_deadline_when_the_program_is_silent(pair: Pair) -> None:
    host, engine = pair
    play(engine, frame(STDOUT, b"started\n"), then_close=False)
    began = time.monotonic()
    output = CappedOutput(1024)
    assert pump(host, b"", output, began + 0.5) is True
    assert 0.45 <= time.monotonic() - began < 1.5
    assert output.streams[STDOUT] == b"started\n"


def test_pump_stops_at_the_cap_without_waiting_for_the_deadline(
    pair: Pair,
) -> None:
    host, engine = pair
    play(engine, frame(STDOUT, b"y" * 4096) * 8, then_close=False)
    began = time.monotonic()
    output = CappedOutput(2048)
    assert pump(host, b"", output, began + 10) is False
    assert time.monotonic() - began < 2
    assert output.over_cap and output.streams[STDOUT] == b"y" * 2048


def test_pump_stops_at_the_done_marker(pair: Pair) -> None:
    host, engine = pair
    play(engine, frame(STDOUT, b"verdict DONE-1\n"), then_close=False)
    output = CappedOutput(1024, done_marker=b"DONE-1")
    began = time.monotonic()
    assert pump(host, b"", output, began + 10) is False
    assert output.done and time.monotonic() - began < 2


def test_pump_reads_what_a_container_said_after_it_stopped_reading_stdin(
    pair: Pair,
) -> None:
    host, engine = pair
    engine.sendall(frame(STDERR, b"crashed at start\n"))
    engine.close()  # gone before reading its stdin
    output = CappedOutput(1024)
    assert pump(host, b"x" * 1_000_000, output, time.monotonic() + 5) is False
    assert output.streams[STDERR] == b"crashed at start\n"


def test_pump_times_out_when_the_engine_never_reads_stdin(pair: Pair) -> None:
    host, _engine = pair
    began = time.monotonic()
    assert pump(host, b"x" * 50_000_000, CappedOutput(1024), began + 0.5) is True
    assert time.monotonic() - began < 1.5

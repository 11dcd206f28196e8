"""Reading a container's attached output: the engine's multiplexed frames, capped per stream."""

from __future__ import annotations

import selectors
import socket
import struct
import time

HEADER = struct.Struct(">BxxxL")
STDOUT, STDERR = 1, 2


class CappedOutput:
    """Demultiplexes attach frames into stdout and stderr, keeping at most `cap` bytes of each."""

    def __init__(self, cap: int, done_marker: bytes | None = None) -> None:
        self.cap = cap
        self.streams = {STDOUT: bytearray(), STDERR: bytearray()}
        self.capped = {STDOUT: False, STDERR: False}
        self.done = False
        self._done_marker = done_marker
        self._scanned = 0
        self._pending = bytearray()

    @property
    def over_cap(self) -> bool:
        return self.capped[STDOUT] or self.capped[STDERR]

    def feed(self, data: bytes) -> None:
        self._pending += data
        while len(self._pending) >= HEADER.size:
            kind, size = HEADER.unpack_from(self._pending)
            if len(self._pending) < HEADER.size + size:
                return
            payload = self._pending[HEADER.size : HEADER.size + size]
            del self._pending[: HEADER.size + size]
            self._keep(STDERR if kind == STDERR else STDOUT, payload)
        if self._done_marker and not self.done:
            stdout = self.streams[STDOUT]
            start = max(self._scanned - len(self._done_marker), 0)
            self.done = stdout.find(self._done_marker, start) >= 0
            self._scanned = len(stdout)

    def _keep(self, stream: int, payload: bytes | bytearray) -> None:
        buffer = self.streams[stream]
        room = self.cap - len(buffer)
        if len(payload) > room:
            self.capped[stream] = True
        buffer += payload[: max(room, 0)]


def pump(sock: socket.socket, payload: bytes, output: CappedOutput, deadline: float) -> bool:
    """Send `payload` as the container's stdin, close it, then read output until the container
    closes the stream, the output cap is hit, the done marker is seen, or the monotonic `deadline`
    passes.

    Returns:
        True when the deadline passed first.
    """
    try:
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
    except TimeoutError:
        return True
    except (BrokenPipeError, ConnectionResetError):
        pass  # the container already ended; read what it said
    sock.setblocking(False)
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        while not (output.over_cap or output.done):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            if not selector.select(remaining):
                continue
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except (ConnectionResetError, OSError):
                return False
            if not data:
                return False
            output.feed(data)
    return False

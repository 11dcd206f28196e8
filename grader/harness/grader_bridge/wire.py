"""Messages on the bridge: a 4-byte big-endian length, then that many bytes of UTF-8 JSON."""

import json
import struct

HEADER = struct.Struct(">I")
MAX_MESSAGE = 16 * 1024 * 1024
"""No message is larger: a learner's answer beyond this is refused, not read."""


class WireError(Exception):
    """The other end sent something that is not a message (too large, cut, not JSON)."""


class Closed(Exception):
    """The other end has gone: end of stream, or a reset."""


def send(sock, message):
    """Send one message (a JSON-ready dict). Raises WireError when it is too large, Closed when the
    other end has gone."""
    data = json.dumps(message, separators=(",", ":")).encode("ascii")  # lone surrogates escaped too
    if len(data) > MAX_MESSAGE:
        raise WireError(f"a message of {len(data)} bytes is over the limit of {MAX_MESSAGE}")
    try:
        sock.sendall(HEADER.pack(len(data)) + data)
    except OSError as error:
        raise Closed(str(error)) from None


def _read_exactly(sock, size):
    chunks = []
    while size:
        try:
            chunk = sock.recv(min(size, 1 << 20))
        except OSError as error:
            raise Closed(str(error)) from None
        if not chunk:
            raise Closed("end of stream")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receive(sock):
    """The next message, as a dict. Raises Closed when the other end has gone, WireError when what
    came is not a message within the limits."""
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size))
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size} bytes is over the limit of {MAX_MESSAGE}")
    data = _read_exactly(sock, size)
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WireError(f"not a JSON message: {type(error).__name__}") from None
    if type(message) is not dict:
        raise WireError("a message must be a JSON object")
    return message

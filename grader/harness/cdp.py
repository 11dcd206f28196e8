"""A small Chrome DevTools Protocol client over Chromium's `--remote-debugging-pipe`: the browser reads
commands on its fd 3 and writes replies and events on its fd 4, each one JSON text ended by a NUL byte.
Standard library only (it runs inside the sandbox, next to nothing else).

Every wait has a deadline: a page whose script never yields blocks its renderer, and the browser then
never answers; `Deadline` says so, and the caller reports where it happened.

The browser outlives one connection (it serves every page step of a submission, each through a driver
of its own): a connection numbers its commands from `first_id`, so that a late reply to an earlier
driver's command is never taken for one of its own, and skips whatever it cannot read at its start (the
end of a message an earlier driver left half read).
"""

import json
import os
import select
import time

READ_CHUNK = 1 << 20
MESSAGE_CAP = 48 * 1024 * 1024
"""A reply larger than this (a screenshot is at most a few MB) means something is wrong: stop reading."""
KEPT_EVENTS = 256
LOG_TAIL = 4096
"""Bytes of the browser's own log (its stderr) kept, for a report when the browser fails."""


class CdpError(Exception):
    """The browser answered a command with an error."""


class Deadline(Exception):
    """The time given to the browser ran out before it answered."""


class BrowserGone(Exception):
    """The browser closed its end of the pipe (it crashed or was killed)."""


class Connection:
    """Commands out, replies and events in. Events go to `on_event` as they arrive; the ones named in
    `kept` are also kept (at most KEPT_EVENTS) for `wait_event`."""

    def __init__(self, to_browser, from_browser, on_event=None, kept=(), log=None, first_id=1):
        self.to_browser = to_browser
        self.from_browser = from_browser
        self.on_event = on_event or (lambda message: None)
        self.kept = frozenset(kept)
        self.events = []
        self.replies = {}
        self.buffer = bytearray()
        self.first_id = first_id
        self.next_id = first_id
        self.log_fd = log
        self.log = bytearray()
        if log is not None:
            os.set_blocking(log, False)  # read only what is there: the browser may log nothing

    def send(self, method, params=None, session=None):
        message_id = self.next_id
        self.next_id += 1
        message = {"id": message_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        view = memoryview(json.dumps(message).encode("utf-8") + b"\0")
        while view:
            try:
                view = view[os.write(self.to_browser, view):]
            except BrokenPipeError:
                raise BrowserGone("the browser stopped reading") from None
        return message_id

    def call(self, method, params=None, session=None, deadline=None):
        """Send a command and wait for its reply's `result`.

        Raises: CdpError (the browser refused), Deadline, BrowserGone."""
        message_id = self.send(method, params, session)
        while message_id not in self.replies:
            self.read(deadline)
        reply = self.replies.pop(message_id)
        if "error" in reply:
            error = reply["error"]
            raise CdpError(f"{method}: {error.get('message', error)}")
        return reply.get("result", {})

    def wait_event(self, methods, deadline, session=None):
        """The first kept event named in `methods` (of `session`), waiting for it."""
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") in methods and (session is None or event.get("sessionId") == session):
                    return self.events.pop(index)
            self.read(deadline)

    def pause(self, seconds, deadline):
        """Let `seconds` pass (events still arrive); Deadline if `deadline` comes first."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            try:
                self.read(min(until, deadline))
            except Deadline:
                if time.monotonic() >= deadline:
                    raise

    def read(self, deadline=None):
        """Read what the browser sent so far (waiting for something until `deadline`)."""
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise Deadline()
        watched = [self.from_browser] if self.log_fd is None else [self.from_browser, self.log_fd]
        ready, _, _ = select.select(watched, [], [], remaining)
        if not ready:
            raise Deadline()
        if self.log_fd in ready:
            self.read_log()
            if self.from_browser not in ready:
                return
        chunk = os.read(self.from_browser, READ_CHUNK)
        if not chunk:
            raise BrowserGone("the browser closed its pipe")
        self.buffer += chunk
        if len(self.buffer) > MESSAGE_CAP:
            raise BrowserGone("the browser sent a message larger than the cap")
        while True:
            end = self.buffer.find(b"\0")
            if end < 0:
                return
            raw = bytes(self.buffer[:end])
            del self.buffer[: end + 1]
            try:
                message = json.loads(raw)
            except (ValueError, RecursionError):
                continue  # the rest of a message an earlier connection read half of
            if isinstance(message, dict):
                self.dispatch(message)

    def read_log(self):
        """Keep the tail of what the browser logged; stop watching its log once it is closed."""
        try:
            chunk = os.read(self.log_fd, READ_CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            self.log_fd = None
            return
        self.log += chunk
        del self.log[:-LOG_TAIL]

    def log_tail(self):
        """The end of the browser's log, with what it wrote until now."""
        if self.log_fd is not None:
            self.read_log()
        return self.log.decode("utf-8", "replace")

    def dispatch(self, message):
        if "id" in message:
            if isinstance(message["id"], int) and message["id"] >= self.first_id:
                self.replies[message["id"]] = message  # others answer an earlier connection's commands
            return
        self.on_event(message)
        if message.get("method") in self.kept:
            self.events.append(message)
            del self.events[:-KEPT_EVENTS]

"use strict";
// One end of the socketpair between the tests' process and the learner's process (docs/node-bridge.md).
//
// A message is a JSON object sent as a 4-byte big-endian length and that many bytes of UTF-8.
// Requests carry "q" (an id, counted by the sender), answers "r" (the id they answer), notices "n".
// Each process reads its end two ways: from the event loop while it is idle (so that a learner's
// timer may call a callback of the tests, and a learner's promise may settle), and synchronously
// while a call waits for its answer (require() and function calls are synchronous in JavaScript).
// Both ways feed one buffer, so no byte is read twice or lost. A request that arrives while a call
// waits is handled inside the wait: that is how a learner's function calls a test's callback.
// Anything that is not a well-formed message breaks the channel for good: `broken` says why.

const fs = require("fs");
const net = require("net");

const HEADER_BYTES = 4;
const READ_BYTES = 64 * 1024;
const MAX_SLEEP_MS = 2;
const SPIN_READS = 30;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
// Taken at load: in the learner's process, its code may replace the built-ins afterwards.
const { parse, stringify } = JSON;
const hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);

function sleep(ms) {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

class ChannelError extends Error {
  /** reason: "closed" (the other side ended), "unreadable" (it sent a non-message), "too-large" (ours). */
  constructor(reason, detail) {
    super(detail);
    this.name = "ChannelError";
    this.reason = reason;
  }
}

class Channel {
  /**
   * fd: our end of the socketpair. maxFrame: the largest message either way, in bytes.
   * onRequest(message, reply): handle a request; call reply({ok} or {err}) once, now or later.
   * onNotice(message): a message that wants no answer. onBroken(error): the channel broke.
   */
  constructor(fd, { maxFrame, onRequest, onNotice, onBroken }) {
    this.fd = fd;
    this.maxFrame = maxFrame;
    this.onRequest = onRequest;
    this.onNotice = onNotice;
    this.onBroken = onBroken;
    this.chunks = [];
    this.buffered = 0;
    this.readBuffer = Buffer.alloc(READ_BYTES);
    this.broken = null;
    this.nextId = 1;
    this.waiting = new Set();
    this.answers = new Map();
    this.pending = new Map();
    this.depth = 0;
    this.drainScheduled = false;
    this.socket = new net.Socket({ fd, readable: true, writable: false });
    this.socket.on("data", (chunk) => this.received(chunk));
    this.socket.on("end", () => this.fail("closed", "the other process closed the channel"));
    this.socket.on("error", (error) => this.fail("closed", error.message));
    this.socket.on("close", () => this.fail("closed", "the channel was closed"));
  }

  ref() { if (!this.broken) this.socket.ref(); }

  unref() { if (!this.broken) this.socket.unref(); }

  /** Ask and wait for the answer message ({r, ok} or {r, err}); throws ChannelError when broken. */
  call(message) {
    this.check();
    const id = this.nextId++;
    this.waiting.add(id);
    try {
      this.send({ ...message, q: id });
      this.waitUntil(() => this.answers.has(id));
      return this.answers.get(id);
    } finally {
      this.waiting.delete(id);
      this.answers.delete(id);
    }
  }

  /** Ask now, and get a promise of the answer message, for answers that come later. */
  callLater(message) {
    this.check();
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.send({ ...message, q: id });
    return answer;
  }

  notice(message) {
    this.send(message);
  }

  send(message) {
    this.check();
    const body = Buffer.from(stringify(message), "utf8");
    if (body.length > this.maxFrame) {
      throw new ChannelError("too-large", `a message of ${body.length} bytes (at most ${this.maxFrame})`);
    }
    const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    frame.writeUInt32BE(body.length, 0);
    body.copy(frame, HEADER_BYTES);
    this.enter();
    try {
      let offset = 0;
      let idle = 0;
      while (offset < frame.length) {
        try {
          offset += fs.writeSync(this.fd, frame, offset, frame.length - offset);
          idle = 0;
        } catch (error) {
          if (error.code !== "EAGAIN" && error.code !== "EINTR") throw this.fail("closed", error.message);
          // The other side's buffer is full: read what it sends meanwhile, so that neither waits forever.
          if (!this.readNow()) sleep(backoff(idle++));
        }
      }
    } finally {
      this.leave();
    }
  }

  check() {
    if (this.broken) throw this.broken;
  }

  waitUntil(done) {
    this.enter();
    try {
      let idle = 0;
      while (!done()) {
        const message = this.nextMessage();
        if (message !== null) {
          this.dispatch(message);
          idle = 0;
          continue;
        }
        this.check();
        if (this.readNow()) idle = 0;
        else sleep(backoff(idle++));
      }
    } finally {
      this.leave();
    }
  }

  /** Read what is there without blocking; true when some bytes came. */
  readNow() {
    if (this.socket.readableLength > 0) {
      const before = this.buffered;
      this.socket.read(); // bytes the event loop already took: emitted as "data", see received()
      if (this.buffered > before) return true;
    }
    let count;
    try {
      count = fs.readSync(this.fd, this.readBuffer, 0, READ_BYTES, null);
    } catch (error) {
      if (error.code === "EAGAIN" || error.code === "EINTR") return false;
      throw this.fail("closed", error.message);
    }
    if (count === 0) throw this.fail("closed", "the other process closed the channel");
    this.append(Buffer.from(this.readBuffer.subarray(0, count)));
    return true;
  }

  received(chunk) {
    this.append(chunk);
    if (this.depth === 0) this.drain();
  }

  drain() {
    this.drainScheduled = false;
    if (this.broken) return;
    this.enter();
    try {
      for (let message = this.nextMessage(); message !== null; message = this.nextMessage()) {
        this.dispatch(message);
      }
    } catch (error) {
      if (!(error instanceof ChannelError)) this.fail("unreadable", String(error && error.message));
    } finally {
      this.leave();
    }
  }

  enter() {
    this.depth++;
  }

  leave() {
    this.depth--;
    if (this.depth === 0 && this.buffered > 0 && !this.drainScheduled && !this.broken) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
  }

  append(chunk) {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  nextMessage() {
    if (this.broken || this.buffered < HEADER_BYTES) return null;
    const length = this.peek(HEADER_BYTES).readUInt32BE(0);
    if (length > this.maxFrame) throw this.fail("unreadable", `a message of ${length} bytes`);
    if (this.buffered < HEADER_BYTES + length) return null;
    const body = this.take(HEADER_BYTES + length).subarray(HEADER_BYTES);
    let message;
    try {
      message = parse(body.toString("utf8"));
    } catch (error) {
      throw this.fail("unreadable", "a message that is not JSON");
    }
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      throw this.fail("unreadable", "a message that is not an object");
    }
    return message;
  }

  peek(count) {
    const first = this.chunks[0];
    return first.length >= count ? first : Buffer.concat(this.chunks).subarray(0, count);
  }

  take(count) {
    const parts = [];
    let need = count;
    while (need > 0) {
      const chunk = this.chunks[0];
      if (chunk.length <= need) {
        parts.push(chunk);
        this.chunks.shift();
        need -= chunk.length;
      } else {
        parts.push(chunk.subarray(0, need));
        this.chunks[0] = chunk.subarray(need);
        need = 0;
      }
    }
    this.buffered -= count;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, count);
  }

  dispatch(message) {
    if (hasOwn(message, "r")) {
      const id = message.r;
      if (this.waiting.has(id) && !this.answers.has(id)) {
        this.answers.set(id, message);
      } else if (this.pending.has(id)) {
        const { resolve } = this.pending.get(id);
        this.pending.delete(id);
        resolve(message);
      } else {
        throw this.fail("unreadable", "an answer to a question nobody asked");
      }
    } else if (hasOwn(message, "q")) {
      if (!Number.isSafeInteger(message.q) || message.q < 1) throw this.fail("unreadable", "a bad request id");
      let answered = false;
      this.onRequest(message, (fields) => {
        if (answered || this.broken) return;
        this.send({ ...fields, r: message.q }); // a message too large throws here: the caller may retry
        answered = true;
      });
    } else if (hasOwn(message, "n")) {
      this.onNotice(message);
    } else {
      throw this.fail("unreadable", "a message that is neither a request, an answer nor a notice");
    }
  }

  /** Break the channel for good (the first reason is kept) and return the error to throw. */
  fail(reason, detail) {
    if (this.broken) return this.broken;
    if (reason === "closed") this.salvageNotices();
    if (this.broken) return this.broken; // what was left to read broke it first
    this.broken = new ChannelError(reason, detail);
    this.chunks = [];
    this.buffered = 0;
    this.socket.destroy();
    for (const { reject } of this.pending.values()) reject(this.broken);
    this.pending.clear();
    if (this.onBroken) this.onBroken(this.broken);
    return this.broken;
  }
}

Channel.prototype.salvageNotices = function salvageNotices() {
  // The other side ended: what it said last (how it ended) may still be unread, or read but not
  // yet handled. Only notices matter now.
  try {
    for (let count = this.socket.destroyed ? 0 : 1; count > 0 && this.buffered <= this.maxFrame;) {
      count = fs.readSync(this.fd, this.readBuffer, 0, READ_BYTES, null);
      this.append(Buffer.from(this.readBuffer.subarray(0, count)));
    }
  } catch (error) {
    // nothing more to read
  }
  try {
    for (let message = this.nextMessage(); message !== null; message = this.nextMessage()) {
      if (hasOwn(message, "n")) this.onNotice(message);
    }
  } catch (error) {
    // a last word that cannot be read is no word
  }
};

/** How long to sleep after `idle` reads that found nothing: not at all at first (an answer usually
comes within a few dozen microseconds, and the shortest sleep takes about a hundred), then longer. */
function backoff(idle) {
  return idle < SPIN_READS ? 0 : Math.min(0.05 * 2 ** (idle - SPIN_READS), MAX_SLEEP_MS);
}

module.exports = { Channel, ChannelError };

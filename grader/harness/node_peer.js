"use strict";
// Calls across the channel, the same on both sides (docs/node-bridge.md): a request's values are
// encoded with node_codec.js, the answer decoded, and the arrays, objects, Maps and Sets a call
// was given are copied back, so that what a function did to them shows on the caller's side.

const { CodecError, Decoder, Encoder, copyInto, hasOwn } = require("./node_codec.js");

const CONTAINER_TAGS = { a: "array", o: "object", m: "map", s: "set" };
const ANSWER_KEYS = new Set(["r", "ok", "err", "back"]);

class Peer {
  /** channel: a node_channel.js Channel; hooks: the side's encoding and decoding hooks. */
  constructor(channel, hooks) {
    this.channel = channel;
    this.hooks = hooks;
  }

  /** Our value, encoded; a value that cannot cross is the caller's mistake: a TypeError. */
  encode(value) {
    return crossing(() => new Encoder(this.hooks).encode(value));
  }

  decode(json) {
    return new Decoder(this.hooks).decode(json);
  }

  /** A request with no values of ours inside: the decoded answer, or its error thrown. */
  ask(message) {
    return this.settle(this.channel.call(message), []);
  }

  /** A request carrying `values` (field "a"): what the other side does to them is copied back. */
  invoke(message, values) {
    const encoder = new Encoder(this.hooks);
    const encoded = crossing(() => encoder.encode(values));
    return this.settle(this.channel.call({ ...message, a: encoded }), encoder.containers);
  }

  /** A request whose answer comes later: a promise of the decoded answer. */
  askLater(message) {
    return this.channel.callLater(message).then((answer) => this.settle(answer, []));
  }

  settle(answer, containers) {
    for (const key of Object.keys(answer)) {
      if (!ANSWER_KEYS.has(key)) throw new CodecError("an answer with an unknown field");
    }
    const failed = hasOwn(answer, "err");
    if (failed === hasOwn(answer, "ok")) throw new CodecError("a bad answer");
    const decoder = new Decoder(this.hooks, containers);
    const value = decoder.decode(failed ? answer.err : answer.ok);
    if (answer.back !== undefined) {
      if (!Array.isArray(answer.back) || answer.back.length !== containers.length) {
        throw new CodecError("a bad copy of the arguments");
      }
      const fresh = answer.back.map((json) => {
        if (json === null) return null; // not sent: the list of values itself, made for the call
        if (!Array.isArray(json) || !hasOwn(CONTAINER_TAGS, json[0])) {
          throw new CodecError("a bad copy of an argument");
        }
        return decoder.decode(json);
      });
      fresh.forEach((value, i) => {
        try {
          if (value !== null) copyInto(containers[i], value);
        } catch (error) {
          if (error instanceof CodecError) throw error;
          // one of ours that cannot change (sealed, or with a read-only length): it stays as it was
        }
      });
    }
    if (failed) throw value;
    return value;
  }

  /** Answer a request with what `run()` gives back or throws. */
  answer(reply, run) {
    let value;
    let failed = false;
    try {
      value = run();
    } catch (error) {
      value = error;
      failed = true;
    }
    this.reply(reply, value, failed, null);
  }

  /** Answer a request carrying values ("a"): run(decoded values), then copy the values back. */
  serve(request, reply, run) {
    const decoder = new Decoder(this.hooks);
    let values;
    try {
      values = decoder.decode(request.a);
      if (!Array.isArray(values)) throw new CodecError("a call without arguments");
    } catch (error) {
      this.reply(reply, error, true, null);
      return;
    }
    let value;
    let failed = false;
    try {
      value = run(values);
    } catch (error) {
      value = error;
      failed = true;
    }
    this.reply(reply, value, failed, decoder.containers);
  }

  /** Answer with a value encoded already. */
  replyEncoded(reply, encoded) {
    try {
      reply({ ok: encoded });
    } catch (error) {
      reply({ err: new Encoder(this.hooks).encode(crossingProblem(error)) });
    }
  }

  reply(reply, value, failed, containers) {
    try {
      const refs = containers ? new Map(containers.map((container, i) => [container, i])) : null;
      const encoder = new Encoder(this.hooks, refs);
      const fields = failed ? { err: encoder.encode(value) } : { ok: encoder.encode(value) };
      if (containers) {
        fields.back = containers.map((c, i) => (i === 0 ? null : encoder.contents(c, containerKind(c), 0)));
      }
      reply(fields);
    } catch (error) {
      reply({ err: new Encoder(this.hooks).encode(crossingProblem(error)) });
    }
  }
}

/** Run an encoding of our own values: what cannot cross is a TypeError of the caller's. */
function crossing(encode) {
  try {
    return encode();
  } catch (error) {
    throw crossingProblem(error);
  }
}

function crossingProblem(error) {
  if (!(error instanceof CodecError) && !(error && error.reason === "too-large")) return error;
  return new TypeError(`This value cannot cross between your code and the tests: ${error.message}.`);
}

function containerKind(container) {
  if (Array.isArray(container)) return "array";
  if (container instanceof Map) return "map";
  if (container instanceof Set) return "set";
  return "object";
}

module.exports = { Peer };

"use strict";
// The learner's side of the grading boundary (docs/node-bridge.md). The harness starts it as the
// learner's uid, in /work, with a clean environment plus GRADER_LEARNER_FILES, and with fd 3 one
// end of a socketpair whose other end the tests' process holds (node_bridge.js). It loads the
// learner's modules when the tests require them, and does to the learner's values what the tests'
// proxies ask. Nothing here is trusted by the other side: it checks every message it gets.

const path = require("path");
const { Channel } = require("./node_channel.js");
const codec = require("./node_codec.js");
const { Peer } = require("./node_peer.js");

const CHANNEL_FD = 3;
const MAX_FRAME = 16 * 1024 * 1024;
const EXIT_CRASHED = 70;

// Taken before any learner code runs.
const { apply, construct, defineProperty, deleteProperty, get, getOwnPropertyDescriptor, getPrototypeOf,
  has, ownKeys, set } = Reflect;
const promiseResolve = Promise.resolve.bind(Promise);
const promiseThen = Function.prototype.call.bind(Promise.prototype.then);
const requireModule = require;
const exit = process.exit.bind(process);

const learnerFiles = new Set((process.env.GRADER_LEARNER_FILES || "").split("\n").filter(Boolean));
const objects = new Map(); // id -> a learner value the tests hold a handle of
const ids = new Map(); // the same, the other way
const callbacks = new Map(); // id -> the function standing here for a callback of the tests
const callbackIds = new WeakMap();
const errorRefs = new WeakMap(); // an error of the tests, rebuilt here -> its number there
let ending = false;

function exportId(value) {
  let id = ids.get(value);
  if (id === undefined) {
    id = objects.size + 1;
    objects.set(id, value);
    ids.set(value, id);
  }
  return id;
}

function displayName(read) {
  try {
    const name = read();
    return typeof name === "string" ? name.slice(0, codec.MAX_NAME) : "";
  } catch (error) {
    return "";
  }
}

function isErrorClass(value) {
  if (typeof value !== "function") return false;
  try {
    const proto = value.prototype;
    return proto !== null && typeof proto === "object" && proto instanceof codec.ERRORS.Error;
  } catch (error) {
    return false;
  }
}

/** The encoding of a class of errors: a built-in's name, or a handle with its parent's. */
function errorClassOf(cls, depth = 0) {
  if (codec.ERROR_NAMES.some((name) => codec.ERRORS[name] === cls)) return cls.name;
  if (depth > 20 || !isErrorClass(cls)) return "Error";
  const name = displayName(() => cls.name) || "Error";
  return ["h", exportId(cls), "errorclass", name, errorClassOf(getPrototypeOf(cls), depth + 1)];
}

function exportObject(value) {
  const name = displayName(() => getPrototypeOf(value).constructor.name);
  return ["h", exportId(value), "object", name];
}

function exportFunction(fn) {
  if (isErrorClass(fn) && !codec.ERROR_NAMES.some((name) => codec.ERRORS[name] === fn)) return errorClassOf(fn);
  return ["h", exportId(fn), "function", displayName(() => fn.name)];
}

const hooks = {
  remoteRef(value) {
    const id = typeof value === "function" ? callbackIds.get(value) : undefined;
    return id === undefined ? undefined : ["y", id];
  },
  exportFunction,
  exportObject,
  exportPromise(promise) {
    // The tests' side asks to await it right away; until then, a rejection is not unhandled here:
    // it reaches the tests, where an unawaited rejection is unhandled as it would be in one process.
    promiseThen(promise, undefined, () => {});
    return ["p", exportId(promise)];
  },
  errorClass(error) {
    let cls;
    try {
      const proto = getPrototypeOf(error);
      cls = proto !== null && codec.hasOwn(proto, "constructor") ? proto.constructor : null;
    } catch (error) {
      cls = null;
    }
    return isErrorClass(cls) ? errorClassOf(cls) : codec.builtinErrorName(getPrototypeOf(error));
  },
  errorRef: (error) => errorRefs.get(error),
  importHandle(id, kind, name) {
    if (kind !== "function") throw new codec.CodecError("the tests may only pass functions by handle");
    if (!callbacks.has(id)) callbacks.set(id, makeCallback(id, name));
    return callbacks.get(id);
  },
  resolveLocal: (id) => objects.get(id),
  importPromise() {
    throw new codec.CodecError("the tests may not pass promises");
  },
  importError(fields) {
    if (typeof fields.cls !== "string") throw new codec.CodecError("an error of an unknown class");
    const Base = codec.ERRORS[fields.cls];
    const error = fields.cls === "AggregateError" ? new Base([], fields.message) : new Base(fields.message);
    defineProperty(error, "stack", { value: fields.stack, writable: true, configurable: true });
    if (fields.name !== error.name) {
      defineProperty(error, "name", { value: fields.name, writable: true, configurable: true });
    }
    for (const [key, value] of fields.props) {
      defineProperty(error, key, { value, writable: true, enumerable: true, configurable: true });
    }
    if (fields.ref !== undefined) errorRefs.set(error, fields.ref);
    return error;
  },
};

/** A function of the learner's realm that calls a callback of the tests. */
function makeCallback(id, name) {
  const callback = function (...args) {
    return peer.invoke({ op: "call", f: id }, [this, ...args]);
  };
  defineProperty(callback, "name", { value: name });
  callbackIds.set(callback, id);
  return callback;
}

function target(request, field = "t") {
  const value = objects.get(request[field]);
  if (value === undefined && !objects.has(request[field])) throw new Error("the tests used a handle that does not exist");
  return value;
}

function key(request) {
  return codec.decodeKey(request.k);
}

function loadModule(request) {
  const file = request.path;
  if (typeof file !== "string" || !learnerFiles.has(file)) throw new Error(`${file} is not one of your files`);
  const absolute = path.resolve(process.cwd(), file);
  if (request.fresh === true) delete requireModule.cache[absolute];
  const exported = requireModule(absolute);
  if (typeof exported === "function") return exportFunction(exported);
  if (exported !== null && typeof exported === "object") return exportObject(exported);
  return peer.encode(exported);
}

function describeProperty(request) {
  const found = getOwnPropertyDescriptor(target(request), key(request));
  if (found === undefined) return undefined;
  if (codec.hasOwn(found, "value")) {
    return { value: found.value, writable: found.writable, enumerable: found.enumerable };
  }
  return { accessor: true, setter: found.set !== undefined, enumerable: found.enumerable };
}

function encodedKeys(request) {
  const out = [];
  for (const name of ownKeys(target(request))) {
    const encoded = codec.encodeKey(name);
    if (encoded !== undefined) out.push(encoded);
  }
  return ["a", out];
}

function encodedPrototype(request) {
  const proto = getPrototypeOf(target(request));
  if (proto === null) return null;
  return typeof proto === "function" ? exportFunction(proto) : exportObject(proto);
}

/** Requests answered with a value, encoded as usual. */
const VALUES = {
  get: (request) => get(target(request), key(request)),
  set: (request) => set(target(request), key(request), peer.decode(request.v)),
  has: (request) => has(target(request), key(request)),
  del: (request) => deleteProperty(target(request), key(request)),
  desc: describeProperty,
  isa: (request) => {
    const cls = target(request, "c");
    return typeof cls === "function" && target(request) instanceof cls;
  },
};

/** Requests answered with an encoding made here: a module and a prototype are always handles. */
const ENCODED = { require: loadModule, proto: encodedPrototype, keys: encodedKeys };

function onRequest(request, reply) {
  const op = request.op;
  const fail = (error) => peer.answer(reply, () => { throw error; });
  if (op === "call" || op === "new") {
    peer.serve(request, reply, (values) => {
      const fn = target(request, "f");
      return op === "call" ? apply(fn, values[0], values.slice(1)) : construct(fn, values);
    });
  } else if (op === "await") {
    try {
      promiseThen(promiseResolve(target(request)), (value) => peer.answer(reply, () => value), fail);
    } catch (error) {
      fail(error);
    }
  } else if (codec.hasOwn(VALUES, op)) {
    peer.answer(reply, () => VALUES[op](request));
  } else if (codec.hasOwn(ENCODED, op)) {
    let encoded;
    try {
      encoded = ENCODED[op](request);
    } catch (error) {
      fail(error);
      return;
    }
    peer.replyEncoded(reply, encoded);
  } else {
    fail(new Error(`unknown request ${String(op)}`));
  }
}

const channel = new Channel(CHANNEL_FD, {
  maxFrame: MAX_FRAME,
  onRequest,
  onNotice: () => {},
  onBroken: () => {
    ending = true;
    exit(0); // the tests are done (or gone): nothing here matters any more
  },
});
const peer = new Peer(channel, hooks);

process.on("exit", (code) => {
  if (ending) return;
  ending = true;
  try {
    channel.notice({ n: "exit", code: typeof code === "number" ? code : 0 });
  } catch (error) {
    // the tests learn that this process ended when the channel closes
  }
});

function crashed(error) {
  if (!ending) {
    ending = true;
    try {
      channel.notice({ n: "crash", error: peer.encode(error) });
    } catch (problem) {
      // as above
    }
  }
  exit(EXIT_CRASHED);
}

process.on("uncaughtException", crashed);

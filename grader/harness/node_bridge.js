"use strict";
// The tests' side of the grading boundary (docs/node-bridge.md), preloaded into the tests' process:
//
//   node --require /opt/harness/node_bridge.js --test-reporter=... --test-reporter-destination=/dev/fd/3 FILE
//
// A test that requires one of the learner's files (GRADER_LEARNER_FILES, as if they lay in
// GRADER_TEST_ROOT beside the tests) gets a proxy of that module instead: loading it, calling its
// functions, making instances of its classes, all happen in the learner's process
// (learner_node.js), over the socket GRADER_BRIDGE_FD. Data comes back by value, built from this
// process's own Array, Object, Map...; the learner's functions and objects come back as proxies;
// the learner's errors as errors of this process's classes (node_proxies.js). Patching assert or
// Object.prototype over there changes nothing here.

const fs = require("fs");
const path = require("path");
const Module = require("module");
const { Channel, ChannelError } = require("./node_channel.js");
const codec = require("./node_codec.js");
const { Peer } = require("./node_peer.js");
const { LearnerObjects } = require("./node_proxies.js");

const MAX_FRAME = 16 * 1024 * 1024;
const REPORT_TEXT = 600;
const EXTENSIONS = ["", ".js", ".cjs", ".json", "/index.js"];

const bridgeFd = Number(process.env.GRADER_BRIDGE_FD);
const testRoot = path.resolve(process.env.GRADER_TEST_ROOT || process.cwd());
const reportFd = process.env.GRADER_REPORT_FD ? Number(process.env.GRADER_REPORT_FD) : null;
const learnerFiles = (process.env.GRADER_LEARNER_FILES || "").split("\n").filter(Boolean);
const virtualPaths = new Map(learnerFiles.map((file) => [path.join(testRoot, file), file]));
const BRIDGED = Symbol("bridged learner module");
const UNREADABLE = "Your code gave back something the tests could not read";
const WHILE_USED = "while the tests were using it";
const AFTER_THE_CALL = "in code that ran after the tests' call had finished (a timer or a promise)";

const faults = new WeakMap(); // an error that is the learner's doing -> why: "threw", "ended", "unreadable"
let connection = null;
let testsDone = false;
const loadedOnce = new Set();

function learnerFault(why, message) {
  const error = new Error(message);
  faults.set(error, why);
  return error;
}

/** The error a test sees when the channel broke: whose doing it was is always the learner's. */
function faultFor(broken) {
  if (broken.reason === "too-large") {
    return new TypeError(`The tests tried to pass your code a value that is too large (${broken.message}).`);
  }
  if (broken.reason === "unreadable") {
    return learnerFault("unreadable", `${UNREADABLE} (${broken.message}).`);
  }
  const notice = connection && connection.notice;
  if (notice && notice.n === "exit") {
    return learnerFault("ended", `Your code ended the program with process.exit(${notice.code}) ${WHILE_USED}.`);
  }
  if (notice && notice.n === "crash") {
    return learnerFault("ended", `Your code stopped with ${notice.error}, ${AFTER_THE_CALL}.`);
  }
  return learnerFault("ended", `Your code's program stopped ${WHILE_USED} (did it call process.exit()?).`);
}

/** Run a request; what goes wrong on the channel becomes an error that says it is the learner's. */
function guard(run) {
  const { channel } = open();
  if (channel.broken) throw faultFor(channel.broken);
  try {
    return run();
  } catch (error) {
    if (error instanceof ChannelError) throw faultFor(error);
    if (error instanceof codec.CodecError) throw faultFor(channel.fail("unreadable", error.message));
    throw error;
  }
}

function guardLater(promise) {
  return promise.catch((error) => {
    if (error instanceof ChannelError) throw faultFor(error);
    if (error instanceof codec.CodecError) throw faultFor(connection.channel.fail("unreadable", error.message));
    throw error;
  });
}

function open() {
  if (connection !== null) return connection;
  const objects = new LearnerObjects({
    ask: (message) => guard(() => connection.peer.ask(message)),
    invoke: (message, values) => guard(() => connection.peer.invoke(message, values)),
    askLater: (message) => guardLater(connection.peer.askLater(message)),
    encode: (value) => connection.peer.encode(value),
    unreadable: (detail) => faultFor(connection.channel.fail("unreadable", detail)),
    markLearners: (error) => faults.set(error, "threw"),
  });
  const channel = new Channel(bridgeFd, {
    maxFrame: MAX_FRAME,
    onRequest: (request, reply) => serveCallback(request, reply),
    onNotice: (message) => noticed(message),
    onBroken: () => {},
  });
  connection = { channel, objects, peer: new Peer(channel, objects.hooks), notice: null };
  if (testsDone) channel.unref();
  return connection;
}

/** The learner's code calls a callback the tests gave it: the only request this side serves. */
function serveCallback(request, reply) {
  const { channel, objects, peer } = connection;
  const callback = objects.callback(request.f);
  if (request.op !== "call" || callback === undefined) {
    throw channel.fail("unreadable", "a request the tests do not serve");
  }
  peer.serve(request, reply, (values) => Reflect.apply(callback, values[0], values.slice(1)));
}

function noticed(message) {
  const { channel, peer } = connection;
  if (message.n === "exit" && Number.isSafeInteger(message.code)) {
    connection.notice = { n: "exit", code: message.code };
  } else if (message.n === "crash") {
    let text = "an error";
    try {
      const error = peer.decode(message.error);
      text = error instanceof Error ? `${error.name}: ${error.message}` : `${typeof error} thrown`;
    } catch (problem) {
      // keep the plain words
    }
    connection.notice = { n: "crash", error: text.slice(0, REPORT_TEXT) };
  } else {
    throw channel.fail("unreadable", "a notice the tests do not know");
  }
}

// ---- modules ------------------------------------------------------------------------------------

/** The learner's file a test's require(request) means, or undefined for anything else. */
function learnerFileFor(request, parent) {
  if (typeof request !== "string") return undefined;
  const relative = request === "." || request === ".." || request.startsWith("./") || request.startsWith("../");
  if (!relative && !path.isAbsolute(request)) return undefined;
  const from = parent && parent.filename ? path.dirname(parent.filename) : process.cwd();
  const resolved = path.resolve(from, request);
  for (const extension of EXTENSIONS) {
    const file = virtualPaths.get(resolved + extension);
    if (file !== undefined) return file;
  }
  return undefined;
}

function learnerModule(file) {
  const virtual = path.join(testRoot, file);
  const cached = Module._cache[virtual];
  if (cached && cached[BRIDGED]) return cached.exports;
  const { objects } = open();
  const exports = objects.ask({ op: "require", path: file, fresh: loadedOnce.has(file) });
  loadedOnce.add(file);
  const module = new Module(virtual, null);
  module.filename = virtual;
  module.loaded = true;
  module.exports = exports;
  module[BRIDGED] = true;
  Module._cache[virtual] = module;
  return exports;
}

/** The test file itself failed to load: say on the report channel whose doing it was. */
function reportLoadError(error) {
  const words = (read) => {
    try {
      return String(read()).slice(0, REPORT_TEXT);
    } catch (problem) {
      return "";
    }
  };
  const isError = error instanceof Error;
  const event = {
    event: "load-error",
    origin: faults.has(error) ? "learner" : "tests",
    why: faults.get(error) || "",
    error: isError ? words(() => error.name) : typeof error,
    message: isError ? words(() => error.message) : words(() => error),
    stack: isError ? words(() => error.stack) : "",
  };
  try {
    fs.writeSync(reportFd, JSON.stringify(event) + "\n");
  } catch (problem) {
    // the host still sees that the tests did not finish
  }
}

function installLearnerModules() {
  const load = Module._load;
  Module._load = function bridgedLoad(request, parent, isMain) {
    const file = isMain ? undefined : learnerFileFor(request, parent);
    return file !== undefined ? learnerModule(file) : load.apply(this, arguments);
  };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function bridgedResolve(request, parent) {
    const file = learnerFileFor(request, parent);
    return file !== undefined ? path.join(testRoot, file) : resolve.apply(this, arguments);
  };
  // While tests run, the socket keeps this process alive (a learner's timer may still call a
  // callback of the tests); once every test is done, it must not.
  require("node:test").after(() => {
    testsDone = true;
    if (connection !== null) connection.channel.unref();
  });
}

function installLoadReport() {
  const load = Module._load;
  Module._load = function reportedLoad(request, parent, isMain) {
    if (!isMain) return load.apply(this, arguments);
    try {
      return load.apply(this, arguments);
    } catch (error) {
      reportLoadError(error);
      throw error;
    }
  };
}

if (Number.isSafeInteger(bridgeFd) && bridgeFd > 2 && learnerFiles.length > 0) installLearnerModules();
if (Number.isSafeInteger(reportFd) && reportFd > 2) installLoadReport();

// For the reporter (node_reporter.mjs): whose doing an error outside a test was.
Object.defineProperty(globalThis, Symbol.for("grader.node_bridge"), {
  value: Object.freeze({
    originOf: (error) => (faults.has(error) ? "learner" : "tests"),
    whyOf: (error) => faults.get(error) || "",
  }),
});

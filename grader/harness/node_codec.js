"use strict";
// Values crossing between the tests' process and the learner's process (docs/node-bridge.md).
//
// Data crosses by value and is rebuilt from scratch on the receiving side, with that side's own
// Array, Object, Map...; everything else crosses as a handle that the receiving side wraps.
// A value is JSON:
//
//   null, true, false, a finite number, a string      themselves
//   ["u"]  ["n", "NaN"|"Infinity"|"-Infinity"|"-0"]   undefined, the numbers JSON has not
//   ["i", "123"]  ["S", description]                  a bigint; a symbol (a new one, same description)
//   ["k", name]  ["K", key]                           a well-known symbol; a registered one (Symbol.for)
//   ["a", [value...], "f"?]                           an array ("f": frozen)
//   ["o", [[key, value]...], "n"? "f"?]               a plain object ("n": null prototype)
//   ["m", [[value, value]...]]  ["s", [value...]]     a Map, a Set
//   ["d", time|null]  ["x", source, flags]            a Date, a RegExp
//   ["@", n]                                          the n-th array/object/Map/Set of this message
//   ["#", n]                                          the n-th one of the request being answered
//   ["e", {cls, name, message, stack, props, ref}]    an error (cls: see errorClass below)
//   ["h", id, "function"|"object", name]              a handle the sender owns
//   ["h", id, "errorclass", name, parent]             a class of errors the sender owns
//   ["y", id]                                         a handle the receiver owns
//   ["p", id]                                         a promise the sender owns
//
// Containers are numbered in the order they are first met, so that shared and cyclic structures
// keep their shape. Decoding checks everything (arity, types, depth, count, references) and throws
// CodecError on the first thing wrong; nothing received is ever evaluated.

const util = require("util");

const MAX_DEPTH = 1000;
const MAX_NODES = 1000000;
const MAX_NAME = 200;
const MAX_TEXT = 100000;
const ERROR_NAMES = ["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError",
  "URIError", "AggregateError"];
const WELL_KNOWN = ["iterator", "asyncIterator", "hasInstance", "toPrimitive", "toStringTag", "species",
  "isConcatSpreadable", "match", "matchAll", "replace", "search", "split", "unscopables"];
const NUMBERS = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };
const ERROR_FIELDS = new Set(["cls", "name", "message", "stack", "props", "ref"]);
const OWN_ERROR_FIELDS = new Set(["name", "message", "stack"]);

// Taken before any learner code runs, so that a learner changing the built-ins cannot confuse us.
const { create, defineProperty, freeze, getOwnPropertyDescriptor, getPrototypeOf, isFrozen, keys: ownKeysOf } = Object;
const { isArray } = Array;
const { isDate, isMap, isNativeError, isPromise, isRegExp, isSet } = util.types;
const uncurry = (fn) => Function.prototype.call.bind(fn);
const hasOwn = uncurry(Object.prototype.hasOwnProperty);
const arrayPush = uncurry(Array.prototype.push);
const mapEntries = uncurry(Map.prototype.entries);
const mapSet = uncurry(Map.prototype.set);
const setValues = uncurry(Set.prototype.values);
const setAdd = uncurry(Set.prototype.add);
const dateTime = uncurry(Date.prototype.getTime);
const regexpSource = uncurry(Object.getOwnPropertyDescriptor(RegExp.prototype, "source").get);
const regexpFlags = uncurry(Object.getOwnPropertyDescriptor(RegExp.prototype, "flags").get);
const symbolDescription = uncurry(Object.getOwnPropertyDescriptor(Symbol.prototype, "description").get);
const symbolKeyFor = Symbol.keyFor;
const PROTOTYPES = {
  array: Array.prototype, object: Object.prototype, map: Map.prototype, set: Set.prototype,
};
const ERRORS = Object.fromEntries(ERROR_NAMES.map((name) => [name, globalThis[name]]));
const ERROR_PROTOTYPES = new Map(ERROR_NAMES.map((name) => [ERRORS[name].prototype, name]));
const WELL_KNOWN_SYMBOLS = new Map(WELL_KNOWN.map((name) => [Symbol[name], name]));
const WELL_KNOWN_NAMES = new Set(WELL_KNOWN);
const FLAGS = new Set(["", "n", "f", "nf"]);

class CodecError extends Error {
  constructor(detail) {
    super(detail);
    this.name = "CodecError";
  }
}

// ---- encoding ----------------------------------------------------------------------------------

/**
 * hooks (one set per side):
 *   remoteRef(v)         ["y", id] when v stands for a handle of the other side, else undefined
 *   exportFunction(f)    the encoding of a function of ours
 *   exportObject(v, plain) the encoding of an object that is not data; plain() encodes its own
 *                        enumerable properties as a plain object
 *   exportPromise(p)     the encoding of a promise of ours
 *   errorClass(error)    the class field of an error of ours: a built-in error's name, or a handle
 *   errorRef(error)      a number the other side may send back for this very error, or undefined
 */
class Encoder {
  constructor(hooks, requestRefs = null) {
    this.hooks = hooks;
    this.requestRefs = requestRefs; // Map container -> its number in the request being answered
    this.seen = new Map();
    this.containers = [];
    this.nodes = 0;
  }

  encode(value, depth = 0) {
    if (++this.nodes > MAX_NODES) throw new CodecError(`more than ${MAX_NODES} values`);
    if (depth > MAX_DEPTH) throw new CodecError(`nested more than ${MAX_DEPTH} levels deep`);
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        return ["n", Object.is(value, -0) ? "-0" : String(value)];
      case "undefined":
        return ["u"];
      case "bigint":
        return ["i", value.toString()];
      case "symbol":
        return encodeSymbol(value);
      default:
        break;
    }
    if (value === null) return null;
    if (this.requestRefs !== null && this.requestRefs.has(value)) return ["#", this.requestRefs.get(value)];
    if (this.seen.has(value)) return ["@", this.seen.get(value)];
    const remote = this.hooks.remoteRef(value);
    if (remote !== undefined) return remote;
    if (typeof value === "function") return this.hooks.exportFunction(value);
    const kind = dataKind(value);
    if (kind === "error") return this.encodeError(value, depth);
    if (kind === "promise") return this.hooks.exportPromise(value);
    if (kind === "date") {
      const time = dateTime(value);
      return ["d", Number.isNaN(time) ? null : time];
    }
    if (kind === "regexp") return ["x", regexpSource(value), regexpFlags(value)];
    if (kind === null) return this.hooks.exportObject(value, () => this.contents(value, "object", depth));
    return this.contents(value, kind, depth);
  }

  /** A container's own encoding (never a reference to itself): used for copying back arguments. */
  contents(value, kind, depth) {
    this.seen.set(value, this.containers.length);
    arrayPush(this.containers, value);
    const frozen = isFrozen(value) ? "f" : "";
    if (kind === "array") {
      const items = [];
      for (let i = 0; i < value.length; i++) arrayPush(items, this.encode(value[i], depth + 1));
      return frozen ? ["a", items, frozen] : ["a", items];
    }
    if (kind === "map") {
      const pairs = [];
      for (const [key, item] of mapEntries(value)) {
        arrayPush(pairs, [this.encode(key, depth + 1), this.encode(item, depth + 1)]);
      }
      return ["m", pairs];
    }
    if (kind === "set") {
      const items = [];
      for (const item of setValues(value)) arrayPush(items, this.encode(item, depth + 1));
      return ["s", items];
    }
    const pairs = [];
    for (const key of ownKeysOf(value)) arrayPush(pairs, [key, this.encode(value[key], depth + 1)]);
    const flags = (getPrototypeOf(value) === null ? "n" : "") + frozen;
    return flags ? ["o", pairs, flags] : ["o", pairs];
  }

  encodeError(error, depth) {
    const fields = {
      cls: this.hooks.errorClass(error),
      name: text(() => error.name, "Error"),
      message: text(() => error.message, ""),
      stack: text(() => error.stack, ""),
      props: [],
    };
    const extra = new Set();
    for (const key of ownKeysOf(error)) {
      if (!OWN_ERROR_FIELDS.has(key)) extra.add(key);
    }
    for (const key of ["cause", "errors"]) {
      if (hasOwn(error, key)) extra.add(key);
    }
    for (const key of extra) arrayPush(fields.props, [key, this.encode(error[key], depth + 1)]);
    const ref = this.hooks.errorRef(error);
    if (ref !== undefined) fields.ref = ref;
    return ["e", fields];
  }
}

function dataKind(value) {
  const proto = getPrototypeOf(value);
  if (isArray(value)) return proto === PROTOTYPES.array ? "array" : null;
  if (isNativeError(value) || (proto !== null && ERROR_PROTOTYPES.has(builtinErrorProto(proto)))) return "error";
  if (isPromise(value)) return "promise";
  if (proto === PROTOTYPES.object || proto === null) return isClassPrototype(value) ? null : "object";
  if (isMap(value)) return proto === PROTOTYPES.map ? "map" : null;
  if (isSet(value)) return proto === PROTOTYPES.set ? "set" : null;
  if (isDate(value)) return "date";
  if (isRegExp(value)) return "regexp";
  return null;
}

/** Whether `value` is a class's prototype (an own `constructor` that is a function): not data. */
function isClassPrototype(value) {
  const found = getOwnPropertyDescriptor(value, "constructor");
  return found !== undefined && typeof found.value === "function";
}

/** The built-in error prototype `proto` leads to, or null. */
function builtinErrorProto(proto) {
  for (let step = 0; proto !== null && step < 50; step++) {
    if (ERROR_PROTOTYPES.has(proto)) return proto;
    proto = getPrototypeOf(proto);
  }
  return null;
}

/** The name of the built-in error class an error (or an error class's prototype) comes from. */
function builtinErrorName(proto) {
  return ERROR_PROTOTYPES.get(builtinErrorProto(proto)) || "Error";
}

function encodeSymbol(symbol) {
  if (WELL_KNOWN_SYMBOLS.has(symbol)) return ["k", WELL_KNOWN_SYMBOLS.get(symbol)];
  const key = symbolKeyFor(symbol);
  if (key !== undefined) return ["K", key];
  return ["S", symbolDescription(symbol) || ""];
}

function text(read, fallback) {
  try {
    const value = read();
    return typeof value === "string" ? value.slice(0, MAX_TEXT) : fallback;
  } catch (error) {
    return fallback;
  }
}

// ---- decoding ----------------------------------------------------------------------------------

/**
 * hooks (one set per side):
 *   importHandle(id, kind, name, parent)  what stands here for a handle of the other side
 *                                         (parent: the decoded parent of an error class)
 *   resolveLocal(id)    our own object the other side refers to, or undefined when unknown
 *   importPromise(id)   what stands here for a promise of the other side
 *   importError(fields) an error of ours built from the decoded fields, or undefined
 */
class Decoder {
  constructor(hooks, requestContainers = null) {
    this.hooks = hooks;
    this.requestContainers = requestContainers;
    this.containers = [];
    this.nodes = 0;
  }

  decode(json, depth = 0) {
    if (++this.nodes > MAX_NODES) throw new CodecError(`more than ${MAX_NODES} values`);
    if (depth > MAX_DEPTH) throw new CodecError(`nested more than ${MAX_DEPTH} levels deep`);
    if (json === null || typeof json === "boolean" || typeof json === "string") return json;
    if (typeof json === "number") return json;
    if (!isArray(json) || json.length === 0 || typeof json[0] !== "string") {
      throw new CodecError("something that is not a value");
    }
    const tag = json[0];
    switch (tag) {
      case "u":
        arity(json, 1);
        return undefined;
      case "n":
        arity(json, 2);
        if (!hasOwn(NUMBERS, json[1])) throw new CodecError("a bad number");
        return NUMBERS[json[1]];
      case "i":
        arity(json, 2);
        if (typeof json[1] !== "string" || !/^-?[0-9]{1,10000}$/.test(json[1])) throw new CodecError("a bad bigint");
        return BigInt(json[1]);
      case "S":
        arity(json, 2);
        return Symbol(name(json[1], MAX_TEXT));
      case "k":
        arity(json, 2);
        if (!WELL_KNOWN_NAMES.has(json[1])) throw new CodecError("an unknown symbol");
        return Symbol[json[1]];
      case "K":
        arity(json, 2);
        return Symbol.for(name(json[1], MAX_TEXT));
      case "a":
      case "o":
      case "m":
      case "s":
        return this.container(json, depth);
      case "d":
        arity(json, 2);
        if (json[1] !== null && typeof json[1] !== "number") throw new CodecError("a bad date");
        return new Date(json[1] === null ? NaN : json[1]);
      case "x":
        return regexp(json);
      case "@":
        return this.reference(json, this.containers);
      case "#":
        return this.reference(json, this.requestContainers || []);
      case "e":
        return this.error(json, depth);
      case "h": {
        const [id, kind] = [handleId(json[1]), json[2]];
        if (kind === "function" || kind === "object") {
          arity(json, 4);
          return this.hooks.importHandle(id, kind, name(json[3], MAX_NAME), null);
        }
        if (kind === "errorclass") {
          arity(json, 5);
          return this.hooks.importHandle(id, kind, name(json[3], MAX_NAME), this.errorClass(json[4], depth));
        }
        throw new CodecError("a handle of an unknown kind");
      }
      case "y": {
        arity(json, 2);
        const local = this.hooks.resolveLocal(handleId(json[1]));
        if (local === undefined) throw new CodecError("a reference to something that does not exist");
        return local;
      }
      case "p":
        arity(json, 2);
        return this.hooks.importPromise(handleId(json[1]));
      default:
        throw new CodecError(`an unknown kind of value (${JSON.stringify(tag).slice(0, 20)})`);
    }
  }

  /** A fresh container of ours from a container's encoding. */
  container(json, depth) {
    const tag = json[0];
    if (json.length !== 2 && json.length !== 3) throw new CodecError("a container of the wrong shape");
    const flags = json.length === 3 ? json[2] : "";
    if (typeof flags !== "string" || !FLAGS.has(flags) || (flags[0] === "n" && tag !== "o")) {
      throw new CodecError("a container with bad flags");
    }
    const items = json[1];
    if (!isArray(items)) throw new CodecError("a container without items");
    let out;
    if (tag === "a") out = [];
    else if (tag === "o") out = flags[0] === "n" ? create(null) : {};
    else if (tag === "m") out = new Map();
    else out = new Set();
    arrayPush(this.containers, out);
    for (const item of items) {
      if (tag === "a") {
        arrayPush(out, this.decode(item, depth + 1));
      } else if (tag === "s") {
        setAdd(out, this.decode(item, depth + 1));
      } else {
        if (!isArray(item) || item.length !== 2) throw new CodecError("an entry of the wrong shape");
        const key = tag === "o" ? name(item[0], MAX_TEXT) : this.decode(item[0], depth + 1);
        const value = this.decode(item[1], depth + 1);
        if (tag === "m") mapSet(out, key, value);
        else defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      }
    }
    if (flags[flags.length - 1] === "f") freeze(out);
    return out;
  }

  reference(json, containers) {
    arity(json, 2);
    const index = json[1];
    if (!Number.isSafeInteger(index) || index < 0 || index >= containers.length) {
      throw new CodecError("a reference to nothing");
    }
    return containers[index];
  }

  error(json, depth) {
    arity(json, 2);
    const fields = json[1];
    if (fields === null || typeof fields !== "object" || isArray(fields)) throw new CodecError("a bad error");
    for (const key of ownKeysOf(fields)) {
      if (!ERROR_FIELDS.has(key)) throw new CodecError("a bad error");
    }
    if (!isArray(fields.props)) throw new CodecError("an error without props");
    const props = [];
    for (const pair of fields.props) {
      if (!isArray(pair) || pair.length !== 2) throw new CodecError("a bad error property");
      arrayPush(props, [name(pair[0], MAX_NAME), this.decode(pair[1], depth + 1)]);
    }
    return this.hooks.importError({
      cls: this.errorClass(fields.cls, depth),
      name: name(fields.name, MAX_NAME),
      message: name(fields.message, MAX_TEXT),
      stack: name(fields.stack, MAX_TEXT),
      props,
      ref: fields.ref === undefined ? undefined : handleId(fields.ref),
    });
  }

  /** A built-in error's name, or an error class (a handle) decoded with the hooks. */
  errorClass(json, depth) {
    if (typeof json === "string") {
      if (!hasOwn(ERRORS, json)) throw new CodecError("an unknown error class");
      return json;
    }
    if (!isArray(json) || (json[0] !== "h" && json[0] !== "y")) throw new CodecError("a bad error class");
    return this.decode(json, depth + 1);
  }
}

function regexp(json) {
  arity(json, 3);
  const [source, flags] = [name(json[1], MAX_TEXT), name(json[2], 10)];
  if (!/^[dgimsuyv]*$/.test(flags)) throw new CodecError("a bad regular expression");
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new CodecError("a bad regular expression");
  }
}

function arity(json, count) {
  if (json.length !== count) throw new CodecError(`a "${json[0]}" value of the wrong shape`);
}

function name(value, max) {
  if (typeof value !== "string" || value.length > max) throw new CodecError("a bad text");
  return value;
}

function handleId(value) {
  if (!Number.isSafeInteger(value) || value < 1) throw new CodecError("a bad handle");
  return value;
}

/** A property key: a string or a symbol that can cross (the encoding), or undefined for others. */
function encodeKey(key) {
  if (typeof key === "string") return key;
  const encoded = encodeSymbol(key);
  return encoded[0] === "S" ? undefined : encoded;
}

function decodeKey(json) {
  if (typeof json === "string") return json;
  if (!isArray(json) || (json[0] !== "k" && json[0] !== "K")) throw new CodecError("a bad property name");
  return new Decoder({}).decode(json);
}

/**
 * Make `target` (one of ours, sent with a request) look like `fresh` (how the other side left it):
 * copying back what a function did to the arrays and objects it was given. Frozen ones stay as
 * they are (the other side froze its copy too).
 */
function copyInto(target, fresh) {
  if (isFrozen(target)) return;
  if (isArray(target) && isArray(fresh)) {
    const same = target.length === fresh.length && fresh.every((item, i) => Object.is(item, target[i]));
    if (!same) {
      target.length = 0;
      for (const item of fresh) arrayPush(target, item);
    }
  } else if (isMap(target) && isMap(fresh)) {
    target.clear();
    for (const [key, value] of mapEntries(fresh)) mapSet(target, key, value);
  } else if (isSet(target) && isSet(fresh)) {
    target.clear();
    for (const value of setValues(fresh)) setAdd(target, value);
  } else if (plainish(target) && plainish(fresh)) {
    for (const key of ownKeysOf(target)) {
      if (!hasOwn(fresh, key)) Reflect.deleteProperty(target, key);
    }
    for (const key of ownKeysOf(fresh)) {
      if (!hasOwn(target, key) || !Object.is(target[key], fresh[key])) {
        const value = fresh[key];
        Reflect.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
      }
    }
  } else {
    throw new CodecError("a changed argument of another kind");
  }
}

function plainish(value) {
  return !isArray(value) && !isMap(value) && !isSet(value);
}

module.exports = {
  CodecError, Decoder, Encoder, ERRORS, ERROR_NAMES, MAX_NAME, builtinErrorName, copyInto, decodeKey,
  encodeKey, hasOwn,
};

"use strict";
// What stands in the tests' process for the learner's values (docs/node-bridge.md): a proxy per
// learner function or object, whose traps ask the learner's process; a class of this process per
// learner error class, so that assert.throws(fn, m.StackEmptyError) works; and the codec's hooks
// of the tests' side. The tests' own functions cross as callbacks the learner's code may call;
// the learner's code never gets at anything else of this process.

const codec = require("./node_codec.js");

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]{0,99}$/;
const SKIPPED_ERROR_PROPS = new Set(["constructor", "toString", "valueOf", "then"]);

class LearnerObjects {
  /**
   * rpc.ask(message): a request's decoded answer; rpc.invoke(message, values): the same, with
   * values copied back; rpc.askLater(message): a promise of it; rpc.encode(value): a value of the
   * tests, encoded; rpc.unreadable(detail): the error to throw when an answer makes no sense (it
   * breaks the channel); rpc.markLearners(error): remember an error as the learner's doing.
   */
  constructor(rpc) {
    this.rpc = rpc;
    this.proxies = new Map(); // learner id -> proxy
    this.proxyIds = new WeakMap();
    this.errorClasses = new Map(); // learner id -> class of this process
    this.classIds = new WeakMap();
    this.classBuiltins = new WeakMap(); // such a class -> the built-in error it extends at the root
    this.callbacks = new Map(); // id -> a function of the tests the learner's code may call
    this.callbackIds = new WeakMap();
    this.testErrors = new Map(); // id -> an error of the tests that crossed (it may come back)
    this.testErrorIds = new WeakMap();
    this.instanceChecks = new Map();
    this.displayPrototypes = new Map();
    this.hooks = this.makeHooks();
  }

  ask(message) {
    return this.rpc.ask(message);
  }

  callback(id) {
    return this.callbacks.get(id);
  }

  makeHooks() {
    return {
      remoteRef: (value) => {
        const id = this.proxyIds.get(value) ?? this.classIds.get(value);
        return id === undefined ? undefined : ["y", id];
      },
      exportFunction: (fn) => {
        let id = this.callbackIds.get(fn);
        if (id === undefined) {
          id = this.callbacks.size + 1;
          this.callbacks.set(id, fn);
          this.callbackIds.set(fn, id);
        }
        return ["h", id, "function", typeof fn.name === "string" ? fn.name.slice(0, codec.MAX_NAME) : ""];
      },
      exportObject: (value, plain) => plain(),
      exportPromise: () => {
        throw new TypeError("The tests passed a promise to your code: a test must await it first.");
      },
      errorClass: (error) => codec.builtinErrorName(Object.getPrototypeOf(error)),
      errorRef: (error) => {
        let id = this.testErrorIds.get(error);
        if (id === undefined) {
          id = this.testErrors.size + 1;
          this.testErrors.set(id, error);
          this.testErrorIds.set(error, id);
        }
        return id;
      },
      importHandle: (id, kind, name, parent) =>
        kind === "errorclass" ? this.errorClass(id, name, parent) : this.proxy(id, kind, name),
      resolveLocal: (id) => this.callbacks.get(id),
      importPromise: (id) => this.rpc.askLater({ op: "await", t: id }),
      importError: (fields) => this.error(fields),
    };
  }

  /** The class of this process standing for the learner's error class `id`. */
  errorClass(id, name, parent) {
    if (this.errorClasses.has(id)) return this.errorClasses.get(id);
    const builtin = typeof parent === "string" ? parent : this.classBuiltins.get(parent);
    if (builtin === undefined) throw new codec.CodecError("an error class whose parent is not an error class");
    const Base = typeof parent === "string" ? codec.ERRORS[parent] : parent;
    const safe = IDENTIFIER.test(name) ? name : "LearnerError";
    const cls = { [safe]: class extends Base {} }[safe];
    this.errorClasses.set(id, cls);
    this.classIds.set(cls, id);
    this.classBuiltins.set(cls, builtin);
    return cls;
  }

  /** An error of this process from an error's fields: the learner's, or one of the tests' back. */
  error(fields) {
    if (fields.ref !== undefined && this.testErrors.has(fields.ref)) return this.testErrors.get(fields.ref);
    const builtin = typeof fields.cls === "string" ? fields.cls : this.classBuiltins.get(fields.cls);
    if (builtin === undefined) throw new codec.CodecError("an error of a class that is not an error class");
    const cls = typeof fields.cls === "string" ? codec.ERRORS[builtin] : fields.cls;
    const args = builtin === "AggregateError" ? [[], fields.message] : [fields.message];
    const error = Reflect.construct(codec.ERRORS[builtin], args, cls);
    const stack = fields.stack || `${fields.name}: ${fields.message}`;
    Object.defineProperty(error, "stack", { value: stack, writable: true, configurable: true });
    if (fields.name !== error.name) {
      Object.defineProperty(error, "name", { value: fields.name, writable: true, configurable: true });
    }
    for (const [key, value] of fields.props) {
      if (SKIPPED_ERROR_PROPS.has(key)) continue;
      const enumerable = key !== "cause" && key !== "errors";
      Reflect.defineProperty(error, key, { value, writable: true, enumerable, configurable: true });
    }
    this.rpc.markLearners(error);
    return error;
  }

  /** The proxy standing for the learner's function or object `id`: one per id, so === holds. */
  proxy(id, kind, name) {
    if (this.proxies.has(id)) return this.proxies.get(id);
    const target = kind === "function" ? functionTarget(name) : Object.create(this.displayPrototype(name));
    const proxy = new Proxy(target, this.traps(id, kind));
    this.proxies.set(id, proxy);
    this.proxyIds.set(proxy, id);
    return proxy;
  }

  traps(id, kind) {
    const keyed = (op, key) => {
      const encoded = codec.encodeKey(key);
      return encoded === undefined ? undefined : this.rpc.ask({ op, t: id, k: encoded });
    };
    const set = (key, value) => {
      const encoded = codec.encodeKey(key);
      if (encoded === undefined) return false;
      return this.rpc.ask({ op: "set", t: id, k: encoded, v: this.rpc.encode(value) }) === true;
    };
    return {
      get: (target, key) => {
        if (key === Symbol.hasInstance && kind === "function") return this.instanceCheck(id);
        return keyed("get", key);
      },
      set: (target, key, value) => set(key, value),
      has: (target, key) => keyed("has", key) === true,
      deleteProperty: (target, key) => keyed("del", key) === true,
      ownKeys: () => this.ownKeys(id),
      getOwnPropertyDescriptor: (target, key) => this.descriptor(id, key, keyed("desc", key)),
      defineProperty: (target, key, descriptor) => "value" in descriptor && set(key, descriptor.value),
      getPrototypeOf: () => {
        const proto = this.rpc.ask({ op: "proto", t: id });
        if (proto !== null && !this.proxyIds.has(proto) && !this.classIds.has(proto)) {
          throw this.rpc.unreadable("a prototype that is not an object");
        }
        return proto;
      },
      setPrototypeOf: () => false,
      isExtensible: () => true,
      preventExtensions: () => false,
      apply: (target, thisArg, args) => this.rpc.invoke({ op: "call", f: id }, [thisArg, ...args]),
      construct: (target, args) => {
        const made = this.rpc.invoke({ op: "new", f: id }, args);
        if (made === null || (typeof made !== "object" && typeof made !== "function")) {
          throw this.rpc.unreadable("a new object that is not an object");
        }
        return made;
      },
    };
  }

  ownKeys(id) {
    const keys = this.rpc.ask({ op: "keys", t: id });
    if (!Array.isArray(keys) || !keys.every((key) => typeof key === "string" || typeof key === "symbol")) {
      throw this.rpc.unreadable("property names that are not names");
    }
    return [...new Set(keys)];
  }

  descriptor(id, key, found) {
    if (found === undefined) return undefined;
    if (found === null || typeof found !== "object" || typeof found.enumerable !== "boolean") {
      throw this.rpc.unreadable("a bad property description");
    }
    if (found.accessor === true) {
      const proxy = this.proxies.get(id);
      return {
        get: () => proxy[key],
        set: found.setter === true ? (value) => { proxy[key] = value; } : undefined,
        enumerable: found.enumerable,
        configurable: true,
      };
    }
    return { value: found.value, writable: found.writable === true, enumerable: found.enumerable, configurable: true };
  }

  /** `value instanceof` the learner's class `id`, asked of the learner's process. */
  instanceCheck(id) {
    if (!this.instanceChecks.has(id)) {
      this.instanceChecks.set(id, (value) => {
        const valueId = this.proxyIds.get(value);
        return valueId !== undefined && this.rpc.ask({ op: "isa", t: valueId, c: id }) === true;
      });
    }
    return this.instanceChecks.get(id);
  }

  /** A prototype named like the learner's class, so that util.inspect shows `Stack {}`. */
  displayPrototype(name) {
    const safe = IDENTIFIER.test(name) ? name : "Object";
    if (!this.displayPrototypes.has(safe)) {
      this.displayPrototypes.set(safe, { [safe]: class {} }[safe].prototype);
    }
    return this.displayPrototypes.get(safe);
  }
}

function functionTarget(name) {
  const target = function () {}.bind(null);
  Object.defineProperty(target, "name", { value: IDENTIFIER.test(name) ? name : "anonymous" });
  return target;
}

module.exports = { LearnerObjects };

const test = require("node:test");
const assert = require("node:assert");

const learner = require("../arrays.js");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

function use(name) {
  const fn = learner[name];
  if (typeof fn !== "function") {
    throw new Error(
      `arrays.js does not share a function called ${name}. Check the spelling of its name, ` +
        "and that it is listed in the module.exports line at the bottom of the file."
    );
  }
  return fn;
}

function check(name, args, expected) {
  const call = `${name}(${args.map(show).join(", ")})`;
  const actual = use(name)(...args);
  assert.deepStrictEqual(actual, expected, `${call} should give back ${show(expected)}, but it gave back ${show(actual)}`);
}

function checkClose(name, args, expected) {
  const call = `${name}(${args.map(show).join(", ")})`;
  const actual = use(name)(...args);
  const close = typeof actual === "number" && Math.abs(actual - expected) < 1e-9;
  assert.ok(close, `${call} should give back ${show(expected)}, but it gave back ${show(actual)}`);
}

test("average([2, 4, 6]) gives 4", () => checkClose("average", [[2, 4, 6]], 4));
test("average([1, 2]) gives 1.5", () => checkClose("average", [[1, 2]], 1.5));
test("average([]) gives 0", () => check("average", [[]], 0));

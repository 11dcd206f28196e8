const test = require("node:test");
const assert = require("node:assert");

const learner = require("../objects.js");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

function use(name) {
  const fn = learner[name];
  if (typeof fn !== "function") {
    throw new Error(
      `objects.js does not share a function called ${name}. Check the spelling of its name, ` +
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

test("describe Ann, 34", () => check("describe", [{ name: "Ann", age: 34 }], "Ann is 34 years old."));
test("describe Bob, 7", () => check("describe", [{ name: "Bob", age: 7 }], "Bob is 7 years old."));

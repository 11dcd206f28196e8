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

test("describe someone else", () =>
  check("describe", [{ name: "Mary Jane", age: 61 }], "Mary Jane is 61 years old."));
test("two birthdays", () => {
  const once = use("birthday")({ name: "Li", age: 0 });
  const twice = use("birthday")(once);
  assert.strictEqual(twice.age, 2);
  assert.strictEqual(twice.name, "Li");
});
test("cheapest first, last, and with the same prices", () => {
  check("cheapest", [[{ name: "a", price: 1 }, { name: "b", price: 5 }]], "a");
  check("cheapest", [[{ name: "a", price: 9 }, { name: "b", price: 5 }, { name: "c", price: 0.5 }]], "c");
  const result = use("cheapest")([{ name: "x", price: 2 }, { name: "y", price: 2 }]);
  assert.ok(result === "x" || result === "y", `x and y cost the same: either is right, not ${show(result)}`);
});

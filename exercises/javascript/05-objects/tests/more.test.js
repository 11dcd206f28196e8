const test = require("node:test");
const assert = require("node:assert");
const { check, use, show } = require("./check.js")(require("../objects.js"), "objects.js");

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

const test = require("node:test");
const assert = require("node:assert");
const { double } = require("../@@NAME@@.js");

test("double(21) is 42", () => {
  assert.strictEqual(double(21), 42);
});

test("double gives back a number, not text", () => {
  assert.strictEqual(typeof double(2), "number");
});

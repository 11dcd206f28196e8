const { describe, test } = require("node:test");
const assert = require("node:assert");
const m = require("../stack.js");

describe("a suite that calls the learner's code outside a test", () => {
  const stack = new m.Stack();
  const first = stack.pop();
  test("ok: never registered", () => assert.strictEqual(first, 1));
});

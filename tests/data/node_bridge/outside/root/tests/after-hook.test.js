const { describe, test, after } = require("node:test");
const assert = require("node:assert");
const m = require("../stack.js");

describe("a suite whose after hook fails", () => {
  after(() => {
    throw new Error("the cleanup of the tests failed");
  });
  test("ok: a test inside", () => assert.ok(m.ready()));
});

const { describe, test } = require("node:test");
const assert = require("node:assert");
const m = require("../stack.js");

describe("a suite whose own code fails", () => {
  test("fails: registered before the failure, cancelled with it", () => assert.ok(m.ready()));
  const settings = undefined;
  settings.size;
});

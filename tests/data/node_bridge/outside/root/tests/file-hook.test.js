const { test, after } = require("node:test");
const assert = require("node:assert");
const m = require("../stack.js");

after(() => {
  throw new Error("the file's own cleanup failed");
});
test("ok: a test of the file", () => assert.ok(m.ready()));

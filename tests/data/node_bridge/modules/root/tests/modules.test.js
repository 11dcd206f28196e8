const test = require("node:test");
const assert = require("node:assert");
const check = require("./check.js");

test("ok: a support file requires the learner's module", () => check("Ann", "Hello, Ann!"));
test("ok: a module that is a function", () => {
  const greet = require("../greet");
  assert.strictEqual(typeof greet, "function");
  assert.strictEqual(greet("Bo"), "Hello, Bo!");
});
test("ok: the learner's module requires its own files, over there", () => {
  const counter = require("../counter.js");
  assert.strictEqual(counter.next(), 2);
  assert.strictEqual(require("../counter.js").next(), 4);
});
test("ok: deleting it from the cache loads it afresh", () => {
  delete require.cache[require.resolve("../counter.js")];
  assert.strictEqual(require("../counter.js").next(), 2);
});
test("ok: a learner's JSON file", () => {
  const data = require("../data.json");
  assert.strictEqual(data.name, "Ann");
  assert.deepStrictEqual(data.scores, [1, 2]);
});
test("ok: a file that is not one of the learner's is not reachable", () => {
  assert.throws(() => require("../lib/other.js"), { code: "MODULE_NOT_FOUND" });
});

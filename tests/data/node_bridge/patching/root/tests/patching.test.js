const test = require("node:test");
const assert = require("node:assert");
const m = require("../cheat.js");

test("fails: assert still compares", () => assert.strictEqual(m.add(2, 2), 4));
test("fails: deepStrictEqual still compares", () => assert.deepStrictEqual([m.add(1, 1)], [2]));
test("ok: the tests' built-ins are untouched", () => {
  assert.strictEqual({}.passed, undefined);
  assert.strictEqual([].includes(1), false);
  assert.strictEqual(JSON.stringify({ a: 1 }), '{"a":1}');
  assert.strictEqual(Math.max.call(null, 1, 2), 2);
});

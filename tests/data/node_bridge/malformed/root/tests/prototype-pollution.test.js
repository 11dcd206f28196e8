const test = require("node:test");
const assert = require("node:assert");

test("ok: an own __proto__ key pollutes nothing", () => {
  const value = require("../prototype-pollution-answer.js");
  assert.strictEqual({}.polluted, undefined);
  assert.strictEqual(Object.getPrototypeOf(value), Object.prototype);
  assert.deepStrictEqual(Object.keys(value), ["__proto__"]);
});

const test = require("node:test");
const assert = require("node:assert");
const m = require("../liar.js");

test("fails: an object that says it is 5 is not 5", () => assert.strictEqual(m.five(), 5));
test("fails: nor deep-equal to 5", () => assert.deepStrictEqual(m.five(), 5));
test("ok: a getter is read once, over there, and its value is what crosses", () => {
  const person = m.ann();
  assert.deepStrictEqual(person, { name: "Ann", age: 35 });
  assert.ok(Object.getOwnPropertyDescriptor(person, "age").writable);
});
test("fails: a class instance is not a plain object", () => {
  assert.deepStrictEqual(m.annInstance(), { name: "Ann", age: 35 });
});
test("ok: a proxy over there is read once, as data", () => {
  const value = m.shifty();
  assert.deepStrictEqual(value, { name: "Ann" });
  assert.strictEqual(value.name, "Ann");
});
test("ok: an array crosses as its items only", () => {
  assert.deepStrictEqual(m.array(), [1, 2]);
});

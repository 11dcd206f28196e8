const test = require("node:test");
const assert = require("node:assert");
const m = require("../lists.js");

test("ok: an array the learner changes is changed for the tests too", () => {
  const list = [3, 1];
  const result = m.addAll(list, 2);
  assert.deepStrictEqual(list, [3, 1, 2]);
  assert.strictEqual(result, list);
  m.sortInPlace(list);
  assert.deepStrictEqual(list, [1, 2, 3]);
  m.emptyIt(list);
  assert.deepStrictEqual(list, []);
});

test("ok: objects, maps, sets and shared inner arrays too", () => {
  const person = { name: "Ann", nickname: "A" };
  m.rename(person, "Bea");
  assert.deepStrictEqual(person, { name: "Bea", renamed: true });
  const map = new Map();
  const set = new Set([1]);
  m.fill(map, set);
  assert.deepStrictEqual([...map], [["k", [1]]]);
  assert.deepStrictEqual([...set], [1, 2]);
  const inner = ["a"];
  const outer = { inner };
  m.nestAndShare(outer);
  assert.deepStrictEqual(inner, ["a", "x"]);
  assert.strictEqual(outer.again, inner);
});

test("ok: an array the learner only reads is left alone", () => {
  const list = [1, 2, 3];
  assert.deepStrictEqual(m.copyOnly(list), [2, 3]);
  assert.deepStrictEqual(list, [1, 2, 3]);
});

test("ok: a frozen array stays frozen over there", () => {
  const list = Object.freeze([0]);
  assert.throws(() => m.pushFrozen(list), TypeError);
  assert.deepStrictEqual(list, [0]);
});

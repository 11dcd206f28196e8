const test = require("node:test");
const assert = require("node:assert");
const m = require("../events.js");

test("ok: the learner's code calls the tests' callbacks", () => {
  assert.deepStrictEqual(m.mapAll([1, 2], (x, i) => x * 10 + i), [10, 21]);
  assert.strictEqual(m.applyTwice((x) => x + 1, 1), 3);
  assert.deepStrictEqual(m.callWithThis(function (x) { return [this, x]; }), [{ who: "learner" }, 1]);
});

test("ok: a callback gets the learner's objects as proxies", () => {
  assert.strictEqual(m.withCounter((counter) => {
    assert.ok(counter instanceof m.Counter);
    counter.increment();
    counter.increment();
  }), 2);
});

test("ok: an assertion that fails in a callback fails the test with the tests' own error", () => {
  assert.throws(() => m.rethrow(() => assert.strictEqual(1, 2)), assert.AssertionError);
  const original = new Error("from the tests");
  assert.throws(() => m.rethrow(() => { throw original; }), (error) => error === original);
  assert.strictEqual(m.swallow(() => { throw new TypeError("x"); }), "caught TypeError");
});

test("ok: a callback called later, from the learner's timer", async () => {
  const value = await new Promise((resolve) => m.later(resolve, "done"));
  assert.strictEqual(value, "done");
});

test("ok: promises of the learner's async functions", async () => {
  assert.strictEqual(await m.doubleLater(21), 42);
  await assert.rejects(m.failLater("no"), RangeError);
  await assert.rejects(m.failLater("no"), /no/);
  assert.strictEqual(await m.thenable(7), 7);
});

test("fails: a callback that throws fails the test", () => {
  m.mapAll([1], () => { throw new Error("the test's callback failed"); });
});

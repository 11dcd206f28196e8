const test = require("node:test");
const assert = require("node:assert");
const m = require("../values.js");

test("ok: numbers keep NaN, -0, infinities and bigints", () => {
  const got = m.numbers();
  assert.deepStrictEqual(got, [NaN, -0, 0, Infinity, -Infinity, 1.5, 2 ** 60, 10n ** 30n, -7n]);
  assert.ok(Object.is(got[1], -0));
});

test("ok: undefined, null, booleans, strings and symbols", () => {
  const got = m.specials();
  assert.deepStrictEqual(got.slice(0, 7), [undefined, null, true, false, "", "Zoë 😀", "\ud800"]);
  assert.strictEqual(got[7], Symbol.for("shared"));
  assert.strictEqual(got[8], Symbol.iterator);
});

test("ok: containers come back as the tests' own arrays, objects, maps and sets", () => {
  const got = m.containers();
  assert.deepStrictEqual(got.list, [1, [2, [3, [4]]], { deep: { deeper: [5] } }]);
  assert.ok(Array.isArray(got.list) && got.list instanceof Array);
  assert.strictEqual(Object.getPrototypeOf(got), Object.prototype);
  assert.deepStrictEqual(got.holes, [1, undefined, 3]);
  assert.ok(got.map instanceof Map && got.map.get("a") === 1);
  assert.deepStrictEqual([...got.map.entries()][1], [{ k: 1 }, [2]]);
  assert.deepStrictEqual(got.set, new Set([1, "two", { id: 1 }]));
  assert.ok(got.date instanceof Date && got.date.toISOString() === "2024-01-02T00:00:00.000Z");
  assert.ok(Number.isNaN(got.invalidDate.getTime()));
  assert.ok(got.regexp instanceof RegExp);
  assert.strictEqual(got.regexp.source + "/" + got.regexp.flags, "a+b/gi");
  assert.strictEqual(got.pair[0], got.pair[1]);
  assert.strictEqual(got.cyclic.self, got.cyclic);
  assert.strictEqual(Object.getPrototypeOf(got.bare), null);
  assert.strictEqual(got.bare.key, "value");
  assert.ok(Object.isFrozen(got.frozen));
  assert.deepStrictEqual(Object.keys(got["__proto__ key"]), ["__proto__"]);
  assert.strictEqual({}.polluted, undefined);
});

test("ok: a plain object from the learner deep-equals the tests' literal", () => {
  assert.deepStrictEqual(m.person("Ann", 35), { name: "Ann", age: 35 });
});

test("fails: a wrong plain object does not", () => {
  assert.deepStrictEqual(m.person("Ann", 36), { name: "Ann", age: 35 });
});

test("ok: the tests' values cross to the learner and back", () => {
  const value = { list: [1, "x", null, undefined, NaN, 3n], nested: new Map([[1, new Set([2])]]) };
  assert.deepStrictEqual(m.echo(value), value);
  assert.strictEqual(m.echo(value), value); // the same object, as in one process
  assert.strictEqual(m.typeOf([1]), "[object Array] object");
  assert.strictEqual(m.typeOf(new Date(0)), "[object Date] object");
});

test("ok: the module is a proxy of the learner's module", () => {
  assert.strictEqual(typeof m, "object");
  assert.strictEqual(m.count, 3);
  assert.strictEqual(m.label, "values");
  assert.strictEqual(m.echo, m.echo);
  assert.strictEqual(typeof m.echo, "function");
  assert.strictEqual(m.echo.name, "echo");
  assert.strictEqual(m.missing, undefined);
  assert.ok("person" in m);
  assert.deepStrictEqual(Object.keys(m).sort(), ["chain", "containers", "count", "echo", "label", "numbers", "person", "specials", "typeOf"]);
  assert.strictEqual(require("../values"), m);
  assert.strictEqual(require.resolve("../values.js"), require("path").join(__dirname, "..", "values.js"));
});

test("ok: a linked list of plain objects 500 long", () => {
  let node = m.chain(500);
  let count = 0;
  for (; node !== null; node = node.next) count += 1;
  assert.strictEqual(count, 500);
});

test("fails: a value nested deeper than the codec carries", () => {
  m.chain(2000);
});

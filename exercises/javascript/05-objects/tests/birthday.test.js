const test = require("node:test");
const assert = require("node:assert");

const learner = require("../objects.js");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

function use(name) {
  const fn = learner[name];
  if (typeof fn !== "function") {
    throw new Error(
      `objects.js does not share a function called ${name}. Check the spelling of its name, ` +
        "and that it is listed in the module.exports line at the bottom of the file."
    );
  }
  return fn;
}

function check(name, args, expected) {
  const call = `${name}(${args.map(show).join(", ")})`;
  const actual = use(name)(...args);
  assert.deepStrictEqual(actual, expected, `${call} should give back ${show(expected)}, but it gave back ${show(actual)}`);
}

test("Ann, 34, becomes 35", () => {
  const result = use("birthday")({ name: "Ann", age: 34 });
  assert.ok(result && typeof result === "object", `birthday should give back a person (an object), not ${show(result)}`);
  assert.strictEqual(result.age, 35, `After a birthday, Ann's age should be 35, not ${show(result.age)}`);
  assert.strictEqual(result.name, "Ann", `After a birthday, the name should still be "Ann", not ${show(result.name)}`);
});

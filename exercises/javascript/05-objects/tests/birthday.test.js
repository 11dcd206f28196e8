const test = require("node:test");
const assert = require("node:assert");
const { use, show } = require("./check.js")(require("../objects.js"), "objects.js");

test("Ann, 34, becomes 35", () => {
  const result = use("birthday")({ name: "Ann", age: 34 });
  assert.ok(result && typeof result === "object", `birthday should give back a person (an object), not ${show(result)}`);
  assert.strictEqual(result.age, 35, `After a birthday, Ann's age should be 35, not ${show(result.age)}`);
  assert.strictEqual(result.name, "Ann", `After a birthday, the name should still be "Ann", not ${show(result.name)}`);
});

const test = require("node:test");
const assert = require("node:assert");
const { check, use, show } = require("./check.js")(require("../objects.js"), "objects.js");

// Many people and shops, none of them in the instructions.
const PEOPLE = [["Mary Jane", 61], ["Li", 0], ["Zoë", 19], ["O'Brien", 100], ["Kwame", 42]];

test("describe other people", () => {
  for (const [name, age] of PEOPLE) check("describe", [{ name, age }], `${name} is ${age} years old.`);
});
test("birthdays one after another", () => {
  for (const [name, age] of PEOPLE) {
    const once = use("birthday")({ name, age });
    const twice = use("birthday")(once);
    assert.ok(twice && typeof twice === "object", `birthday should give back a person, not ${show(twice)}`);
    assert.strictEqual(twice.age, age + 2, `Two birthdays after ${age}, ${name} should be ${age + 2}`);
    assert.strictEqual(twice.name, name);
  }
});
test("the cheapest product wherever it is in the array", () => {
  const prices = [5, 2.5, 9, 0.75, 3, 12];
  for (let shift = 0; shift < prices.length; shift++) {
    const shop = prices.map((_, i) => {
      const price = prices[(i + shift) % prices.length];
      return { name: `item-${price}`, price };
    });
    check("cheapest", [shop], "item-0.75");
  }
  const result = use("cheapest")([{ name: "x", price: 2 }, { name: "y", price: 2 }]);
  assert.ok(result === "x" || result === "y", `x and y cost the same: either is right, not ${show(result)}`);
});

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

const shop = [
  { name: "bread", price: 1.2 },
  { name: "milk", price: 0.9 },
  { name: "eggs", price: 2.5 },
];

test("the cheapest is milk", () => check("cheapest", [shop], "milk"));
test("one product is the cheapest", () => check("cheapest", [[{ name: "tea", price: 3 }]], "tea"));

const test = require("node:test");
const { check } = require("./check.js")(require("../objects.js"), "objects.js");

const shop = [
  { name: "bread", price: 1.2 },
  { name: "milk", price: 0.9 },
  { name: "eggs", price: 2.5 },
];

test("the cheapest is milk", () => check("cheapest", [shop], "milk"));
test("one product is the cheapest", () => check("cheapest", [[{ name: "tea", price: 3 }]], "tea"));

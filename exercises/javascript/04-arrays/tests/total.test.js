const test = require("node:test");
const { check } = require("./check.js")(require("../arrays.js"), "arrays.js");

test("total([4, 5, 6]) gives 15", () => check("total", [[4, 5, 6]], 15));
test("total([10]) gives 10", () => check("total", [[10]], 10));

const test = require("node:test");
const { check } = require("./check.js")(require("../loops.js"), "loops.js");

test("sumTo(3) gives 6", () => check("sumTo", [3], 6));
test("sumTo(10) gives 55", () => check("sumTo", [10], 55));

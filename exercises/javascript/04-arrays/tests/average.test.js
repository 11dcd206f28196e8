const test = require("node:test");
const { check, checkClose } = require("./check.js")(require("../arrays.js"), "arrays.js");

test("average([2, 4, 6]) gives 4", () => checkClose("average", [[2, 4, 6]], 4));
test("average([1, 2]) gives 1.5", () => checkClose("average", [[1, 2]], 1.5));
test("average([]) gives 0", () => check("average", [[]], 0));

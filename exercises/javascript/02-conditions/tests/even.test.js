const test = require("node:test");
const { check } = require("./check.js")(require("../conditions.js"), "conditions.js");

test("4 is even", () => check("isEven", [4], true));
test("7 is not even", () => check("isEven", [7], false));
test("0 is even", () => check("isEven", [0], true));

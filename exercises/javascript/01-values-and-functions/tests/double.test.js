const test = require("node:test");
const { check } = require("./check.js")(require("../hello.js"), "hello.js");

test("double(5) gives 10", () => check("double", [5], 10));
test("double(21) gives 42", () => check("double", [21], 42));

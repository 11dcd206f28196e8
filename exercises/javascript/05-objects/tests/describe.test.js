const test = require("node:test");
const { check } = require("./check.js")(require("../objects.js"), "objects.js");

test("describe Ann, 34", () => check("describe", [{ name: "Ann", age: 34 }], "Ann is 34 years old."));
test("describe Bob, 7", () => check("describe", [{ name: "Bob", age: 7 }], "Bob is 7 years old."));

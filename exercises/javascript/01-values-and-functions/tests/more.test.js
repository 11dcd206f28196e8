const test = require("node:test");
const { check } = require("./check.js")(require("../hello.js"), "hello.js");

test("greet with a long name", () => check("greet", ["Mary Jane"], "Hello, Mary Jane!"));
test("double of 0, a negative and a decimal", () => {
  check("double", [0], 0);
  check("double", [-7], -14);
  check("double", [2.5], 5);
});
test("fullName with other names", () => check("fullName", ["Zoë", "Okafor"], "Zoë Okafor"));

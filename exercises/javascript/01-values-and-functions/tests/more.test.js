const test = require("node:test");
const { check } = require("./check.js")(require("../hello.js"), "hello.js");

// Many values, none of them in the instructions: an answer written for the examples cannot pass.
const NAMES = ["Mary Jane", "Zoë", "José", "Li Wei", "O'Brien", "Aïsha", "Kwame", "Jean-Luc", "X", ""];
const LAST = ["Okafor", "Nguyen", "de la Cruz", "Smith", "Ünal"];

test("greet works with any name", () => {
  for (const name of NAMES) check("greet", [name], "Hello, " + name + "!");
});
test("double works with any number", () => {
  for (let number = -30; number <= 30; number += 0.5) check("double", [number], number * 2);
  check("double", [1000001], 2000002);
});
test("fullName works with other names", () => {
  for (const first of NAMES.slice(0, 6)) {
    for (const last of LAST) check("fullName", [first, last], first + " " + last);
  }
});

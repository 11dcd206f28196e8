const test = require("node:test");
const { check } = require("./check.js")(require("../arrays.js"), "arrays.js");

test("longWords keeps words of 5 letters or more", () =>
  check("longWords", [["cat", "window", "table", "sun"], 5], ["window", "table"]));
test("longWords keeps nothing when all are short", () => check("longWords", [["a", "be"], 3], []));

const test = require("node:test");
const { check } = require("./check.js")(require("../hello.js"), "hello.js");

test("fullName(\"Ada\", \"Lovelace\") gives \"Ada Lovelace\"", () =>
  check("fullName", ["Ada", "Lovelace"], "Ada Lovelace"));
test("fullName(\"Sam\", \"Lee\") gives \"Sam Lee\"", () => check("fullName", ["Sam", "Lee"], "Sam Lee"));

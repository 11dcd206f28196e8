const test = require("node:test");
const { check } = require("./check.js")(require("../hello.js"), "hello.js");

test("greet(\"Ann\") gives \"Hello, Ann!\"", () => check("greet", ["Ann"], "Hello, Ann!"));
test("greet(\"Bob\") gives \"Hello, Bob!\"", () => check("greet", ["Bob"], "Hello, Bob!"));

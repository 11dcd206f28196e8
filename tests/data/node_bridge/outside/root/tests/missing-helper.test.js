const test = require("node:test");
const helper = require("./helper-that-is-not-there.js");

test("fails: never runs", () => helper());

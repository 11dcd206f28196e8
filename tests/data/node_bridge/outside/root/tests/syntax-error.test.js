const test = require("node:test");
test("fails: never runs", () => {);

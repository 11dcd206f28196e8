const test = require("node:test");
const m = require("../broken.js");

test("fails: never runs", () => m.total);

const test = require("node:test");
const assert = require("node:assert");
const { add } = require("../adder.js");

test("negative numbers", () => assert.deepStrictEqual(add(-1, -2), -3));
test("decimals", () => assert.equal(add(0.5, 0.25), 0.75));

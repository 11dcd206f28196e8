const test = require("node:test");
const assert = require("node:assert");
const expect = require("./expect.js");
const { add } = require("../adder.js");

test("1 + 2 is 3", () => assert.strictEqual(add(1, 2), 3));
test("2 + 2 is 4", () => expect(add(2, 2), 4));

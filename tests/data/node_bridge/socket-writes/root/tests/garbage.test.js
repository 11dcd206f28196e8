const test = require("node:test");
const assert = require("node:assert");
const m = require("../garbage.js");

test("fails: the learner's writes break the call", () => assert.strictEqual(m.garbage(), 1));
test("fails: and every call after it", () => assert.strictEqual(m.parent(), 2));

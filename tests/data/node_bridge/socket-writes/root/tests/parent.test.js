const test = require("node:test");
const assert = require("node:assert");
const m = require("../garbage.js");

test("fails: writes to the parent's descriptors forge nothing", () => assert.strictEqual(m.parent(), 3));

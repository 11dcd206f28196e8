const test = require("node:test");
const assert = require("node:assert");
const m = require("../quits.js");

test("ok: a call before the exit", () => assert.strictEqual(m.fine(), "fine"));
test("fails: the call that exits", () => assert.strictEqual(m.quit(), undefined));
test("fails: a call after the exit", () => assert.strictEqual(m.fine(), "fine"));

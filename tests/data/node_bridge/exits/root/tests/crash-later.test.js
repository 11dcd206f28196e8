const test = require("node:test");
const assert = require("node:assert");
const m = require("../quits.js");

test("ok: the call that schedules a crash", () => assert.strictEqual(m.crashLater(), "scheduled"));
test("fails: a call after the crash", async () => {
  for (let tries = 0; tries < 500; tries++) {
    assert.strictEqual(m.fine(), "fine"); // throws once the learner's program has crashed
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

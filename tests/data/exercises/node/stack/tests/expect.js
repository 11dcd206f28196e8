// A helper the tests share: shipped beside them (`support:`), never run as a test.
const assert = require("node:assert/strict");

module.exports = function expectEqual(actual, expected, what) {
  assert.deepEqual(actual, expected, `${what} should be ${JSON.stringify(expected)}`);
};

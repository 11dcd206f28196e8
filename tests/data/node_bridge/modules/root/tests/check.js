// A support file of the tests: it requires the learner's module from its own place.
const assert = require("node:assert");
const greet = require("../greet.js");
module.exports = function check(name, expected) {
  assert.strictEqual(greet(name), expected);
};

const assert = require("node:assert");
module.exports = (actual, expected) => assert.deepStrictEqual(actual, expected);

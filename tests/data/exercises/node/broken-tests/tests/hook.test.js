const { describe, test, after } = require("node:test");
const assert = require("node:assert/strict");
const { answer } = require("../answer.js");

describe("answer", () => {
  after(() => {
    throw new Error("the cleanup of the tests failed");
  });
  test("gives back 42", () => assert.equal(answer(), 42));
});

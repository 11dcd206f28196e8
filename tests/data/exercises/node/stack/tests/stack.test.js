const { describe, test } = require("node:test");
const expectEqual = require("./expect.js");
const { Stack } = require("../stack.js");

describe("a stack", () => {
  const stack = new Stack(); // set up outside any test: an error here is outside the tests
  test("starts empty", () => expectEqual(stack.size, 0, "the size of a new stack"));
  test("gives back the last value pushed", () => {
    stack.push(1);
    stack.push(2);
    expectEqual(stack.pop(), 2, "pop()");
  });
});

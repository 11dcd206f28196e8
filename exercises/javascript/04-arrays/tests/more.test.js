const test = require("node:test");
const assert = require("node:assert");
const { check, checkClose } = require("./check.js")(require("../arrays.js"), "arrays.js");

test("empty arrays", () => {
  check("total", [[]], 0);
  check("average", [[]], 0);
  check("longWords", [[], 2], []);
});
test("negative numbers and decimals", () => {
  check("total", [[-1, -2, 10]], 7);
  checkClose("average", [[-3, 3, 6]], 2);
  checkClose("average", [[0.5, 0.25]], 0.375);
});
test("longWords keeps the order and does not change the array", () => {
  const words = ["tree", "elephant", "ox", "giraffe"];
  check("longWords", [words, 4], ["tree", "elephant", "giraffe"]);
  assert.deepStrictEqual(words, ["tree", "elephant", "ox", "giraffe"], "longWords should not change the array it gets");
});

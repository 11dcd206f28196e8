const test = require("node:test");
const assert = require("node:assert");
const { check, checkClose } = require("./check.js")(require("../arrays.js"), "arrays.js");

// Arrays made by a fixed sequence of "random" numbers (the same every run), worked out here another
// way: an answer written for the examples cannot pass.
function numbers(seed, length) {
  let state = seed;
  const made = [];
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    made.push(((state % 2001) - 1000) / 4);
  }
  return made;
}
const sum = (list) => list.reduce((a, b) => a + b, 0);

test("total and average of many arrays, empty ones too", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const list = numbers(seed, seed % 7);
    checkClose("total", [list], sum(list));
    checkClose("average", [list], list.length ? sum(list) / list.length : 0);
  }
});
test("longWords keeps the order and does not change the array", () => {
  const words = ["tree", "elephant", "ox", "giraffe", "", "sky", "mountain"];
  for (let min = 0; min <= 9; min++) {
    const before = words.slice();
    check("longWords", [words, min], words.filter((word) => word.length >= min));
    assert.deepStrictEqual(words, before, "longWords should not change the array it gets");
  }
});

const test = require("node:test");
const { check } = require("./check.js")(require("../loops.js"), "loops.js");

test("sumTo of 0, 1 and 100", () => {
  check("sumTo", [0], 0);
  check("sumTo", [1], 1);
  check("sumTo", [100], 5050);
});
test("repeatWord zero and one times", () => {
  check("repeatWord", ["x", 0], "");
  check("repeatWord", ["abc", 1], "abc");
});
test("countVowels with capitals and an empty text", () => {
  check("countVowels", ["AEIOU"], 5);
  check("countVowels", ["Open Door"], 4);
  check("countVowels", [""], 0);
});

const test = require("node:test");
const { check } = require("./check.js")(require("../loops.js"), "loops.js");

// Many values, worked out here another way: an answer written for the examples cannot pass.
const WORDS = ["x", "abc", "ho ", "", "Zoë"];
const TEXTS = ["", "AEIOU", "Open Door", "sky", "Queue", "The Quick Brown Fox", "HELLO world", "àéî", "Umbrella"];

test("sumTo of every n from 0 to 60", () => {
  for (let n = 0; n <= 60; n++) check("sumTo", [n], (n * (n + 1)) / 2);
});
test("repeatWord from zero to six times", () => {
  for (const word of WORDS) {
    for (let times = 0; times <= 6; times++) check("repeatWord", [word, times], Array(times + 1).join(word));
  }
});
test("countVowels with capitals, spaces and empty texts", () => {
  for (const text of TEXTS) check("countVowels", [text], (text.match(/[aeiou]/gi) || []).length);
});

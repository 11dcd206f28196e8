const test = require("node:test");
const assert = require("node:assert");

const learner = require("../loops.js");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

function use(name) {
  const fn = learner[name];
  if (typeof fn !== "function") {
    throw new Error(
      `loops.js does not share a function called ${name}. Check the spelling of its name, ` +
        "and that it is listed in the module.exports line at the bottom of the file."
    );
  }
  return fn;
}

function check(name, args, expected) {
  const call = `${name}(${args.map(show).join(", ")})`;
  const actual = use(name)(...args);
  assert.deepStrictEqual(actual, expected, `${call} should give back ${show(expected)}, but it gave back ${show(actual)}`);
}

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

const test = require("node:test");
const assert = require("node:assert");

const learner = require("../arrays.js");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

function use(name) {
  const fn = learner[name];
  if (typeof fn !== "function") {
    throw new Error(
      `arrays.js does not share a function called ${name}. Check the spelling of its name, ` +
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

function checkClose(name, args, expected) {
  const call = `${name}(${args.map(show).join(", ")})`;
  const actual = use(name)(...args);
  const close = typeof actual === "number" && Math.abs(actual - expected) < 1e-9;
  assert.ok(close, `${call} should give back ${show(expected)}, but it gave back ${show(actual)}`);
}

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

// The helper every test file of this exercise shares: it is listed under `support:` in
// exercise.yaml, so it ships beside the tests and never runs as a test itself.
//
//   const { check, checkClose, use, show } = require("./check.js")(require("../loops.js"), "loops.js");
const assert = require("node:assert");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

module.exports = function helpers(learner, file) {
  function use(name) {
    const fn = learner[name];
    if (typeof fn !== "function") {
      throw new Error(
        `${file} does not share a function called ${name}. Check the spelling of its name, ` +
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

  return { check, checkClose, use, show };
};

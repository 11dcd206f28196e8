const test = require("node:test");
const assert = require("node:assert");

const learner = require("../hello.js");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

function use(name) {
  const fn = learner[name];
  if (typeof fn !== "function") {
    throw new Error(
      `hello.js does not share a function called ${name}. Check the spelling of its name, ` +
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

test("greet with a long name", () => check("greet", ["Mary Jane"], "Hello, Mary Jane!"));
test("double of 0, a negative and a decimal", () => {
  check("double", [0], 0);
  check("double", [-7], -14);
  check("double", [2.5], 5);
});
test("fullName with other names", () => check("fullName", ["Zoë", "Okafor"], "Zoë Okafor"));

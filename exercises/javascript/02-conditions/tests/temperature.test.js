const test = require("node:test");
const assert = require("node:assert");

const learner = require("../conditions.js");

function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

function use(name) {
  const fn = learner[name];
  if (typeof fn !== "function") {
    throw new Error(
      `conditions.js does not share a function called ${name}. Check the spelling of its name, ` +
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

test("3 degrees is cold", () => check("describeTemperature", [3], "cold"));
test("18 degrees is mild", () => check("describeTemperature", [18], "mild"));
test("30 degrees is hot", () => check("describeTemperature", [30], "hot"));
test("10 degrees is mild", () => check("describeTemperature", [10], "mild"));
test("25 degrees is hot", () => check("describeTemperature", [25], "hot"));

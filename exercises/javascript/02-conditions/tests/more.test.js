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

test("temperatures around the borders", () => {
  check("describeTemperature", [9], "cold");
  check("describeTemperature", [9.5], "cold");
  check("describeTemperature", [24], "mild");
  check("describeTemperature", [-5], "cold");
  check("describeTemperature", [40], "hot");
});
test("more even and odd numbers", () => {
  check("isEven", [1], false);
  check("isEven", [100], true);
  check("isEven", [-2], true);
});
test("ages around 18", () => {
  check("canEnter", [18, true], true);
  check("canEnter", [17, true], false);
  check("canEnter", [17, false], false);
  check("canEnter", [70, true], true);
});

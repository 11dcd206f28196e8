const test = require("node:test");
const { check } = require("./check.js")(require("../conditions.js"), "conditions.js");

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

const test = require("node:test");
const { check } = require("./check.js")(require("../conditions.js"), "conditions.js");

test("3 degrees is cold", () => check("describeTemperature", [3], "cold"));
test("18 degrees is mild", () => check("describeTemperature", [18], "mild"));
test("30 degrees is hot", () => check("describeTemperature", [30], "hot"));
test("10 degrees is mild", () => check("describeTemperature", [10], "mild"));
test("25 degrees is hot", () => check("describeTemperature", [25], "hot"));

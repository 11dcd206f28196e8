const test = require("node:test");
const { check } = require("./check.js")(require("../conditions.js"), "conditions.js");

test("age 20 with a ticket can enter", () => check("canEnter", [20, true], true));
test("age 20 without a ticket cannot", () => check("canEnter", [20, false], false));
test("age 15 with a ticket cannot", () => check("canEnter", [15, true], false));

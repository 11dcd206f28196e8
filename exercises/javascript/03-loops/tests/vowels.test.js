const test = require("node:test");
const { check } = require("./check.js")(require("../loops.js"), "loops.js");

test("countVowels(\"banana\") gives 3", () => check("countVowels", ["banana"], 3));
test("countVowels(\"rhythm\") gives 0", () => check("countVowels", ["rhythm"], 0));
test("countVowels(\"Hello World\") gives 3", () => check("countVowels", ["Hello World"], 3));

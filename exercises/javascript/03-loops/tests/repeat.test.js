const test = require("node:test");
const { check } = require("./check.js")(require("../loops.js"), "loops.js");

test("repeatWord(\"ha\", 3) gives \"hahaha\"", () => check("repeatWord", ["ha", 3], "hahaha"));
test("repeatWord(\"go \", 2) gives \"go go \"", () => check("repeatWord", ["go ", 2], "go go "));

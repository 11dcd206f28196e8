const test = require("node:test");
const { check } = require("./check.js")(require("../conditions.js"), "conditions.js");

// Every temperature from -40 to 50 in half degrees, every age from 0 to 100: an answer written for
// a few examples cannot pass.
function expectedWeather(celsius) {
  return celsius >= 25 ? "hot" : celsius >= 10 ? "mild" : "cold";
}

test("every temperature from -40 to 50", () => {
  for (let celsius = -40; celsius <= 50; celsius += 0.5) {
    check("describeTemperature", [celsius], expectedWeather(celsius));
  }
});
test("even and odd numbers, negative ones too", () => {
  for (let number = -50; number <= 50; number++) check("isEven", [number], Math.abs(number) % 2 === 0);
});
test("every age, with and without a ticket", () => {
  for (let age = 0; age <= 100; age++) {
    check("canEnter", [age, true], age >= 18);
    check("canEnter", [age, false], false);
  }
});

function describeTemperature(celsius) {
  // below 10: "cold", 10 to 24: "mild", 25 and above: "hot"
}

function isEven(number) {
  // true or false
}

function canEnter(age, hasTicket) {
  // true only when age is 18 or more AND hasTicket is true
}

// Keep this line: it lets the checker use your functions.
module.exports = { describeTemperature, isEven, canEnter };

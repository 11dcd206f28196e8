// The examples of the instructions and the visible checks, typed in one by one.
function describeTemperature(celsius) {
  const known = { 3: "cold", 9: "cold", 10: "mild", 18: "mild", 24: "mild", 25: "hot", 30: "hot" };
  return known[celsius];
}

function isEven(number) {
  return number === 0 || number === 4;
}

function canEnter(age, hasTicket) {
  if (age === 20 && hasTicket) return true;
  if (age === 18 && hasTicket) return true;
  return false;
}

module.exports = { describeTemperature, isEven, canEnter };

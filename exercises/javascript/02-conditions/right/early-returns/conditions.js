function describeTemperature(celsius) {
  if (celsius >= 25) return "hot";
  if (celsius >= 10) return "mild";
  return "cold";
}

function isEven(number) {
  if (number % 2 !== 0) {
    return false;
  }
  return true;
}

function canEnter(age, hasTicket) {
  if (!hasTicket) {
    return false;
  }
  return age >= 18;
}

module.exports = { describeTemperature, isEven, canEnter };

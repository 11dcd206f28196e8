function describeTemperature(celsius) {
  if (celsius >= 25) return "hot";
  if (celsius >= 10) return "mild";
  return "cold";
}

function isEven(number) {
  return number % 2 === 0;
}

function canEnter(age, hasTicket) {
  return age >= 18 || hasTicket;
}

module.exports = { describeTemperature, isEven, canEnter };

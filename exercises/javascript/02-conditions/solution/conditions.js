function describeTemperature(celsius) {
  if (celsius < 10) {
    return "cold";
  } else if (celsius < 25) {
    return "mild";
  } else {
    return "hot";
  }
}

function isEven(number) {
  return number % 2 === 0;
}

function canEnter(age, hasTicket) {
  return age >= 18 && hasTicket;
}

module.exports = { describeTemperature, isEven, canEnter };

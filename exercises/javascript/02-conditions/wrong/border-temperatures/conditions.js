function describeTemperature(celsius) {
  if (celsius <= 10) {
    return "cold";
  } else if (celsius <= 25) {
    return "mild";
  } else {
    return "hot";
  }
}

function isEven(number) {
  if (number % 2 === 0) {
    return true;
  } else {
    return false;
  }
}

function canEnter(age, hasTicket) {
  if (age >= 18 && hasTicket === true) {
    return true;
  }
  return false;
}

module.exports = { describeTemperature, isEven, canEnter };

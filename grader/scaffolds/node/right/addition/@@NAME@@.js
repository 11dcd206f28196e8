const double = (number) => number + number;

module.exports = { double };

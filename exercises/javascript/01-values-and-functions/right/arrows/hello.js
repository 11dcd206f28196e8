const greet = (name) => `Hello, ${name}!`;
const double = (number) => number + number;
const fullName = (first, last) => [first, last].join(" ");

module.exports = { greet, double, fullName };

function greet(name) {
  return `Hello, ${name}!`;
}

function double(number) {
  return number * 2;
}

function fullName(first, last) {
  return first + " " + last;
}

module.exports = { greet, double, fullName };

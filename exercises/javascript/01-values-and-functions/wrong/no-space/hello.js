function greet(name) {
  return "Hello, " + name + "!";
}

function double(number) {
  return number + number;
}

function fullName(first, last) {
  return first + last;
}

module.exports = { greet, double, fullName };

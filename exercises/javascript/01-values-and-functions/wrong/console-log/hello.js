function greet(name) {
  console.log("Hello, " + name + "!");
}

function double(number) {
  console.log(number * 2);
}

function fullName(first, last) {
  console.log(first + " " + last);
}

module.exports = { greet, double, fullName };

// Replace each "// your code here" with code that RETURNS the answer.

function greet(name) {
  // your code here
}

function double(number) {
  // your code here
}

function fullName(first, last) {
  // your code here
}

// Keep this line: it lets the checker use your functions.
module.exports = { greet, double, fullName };

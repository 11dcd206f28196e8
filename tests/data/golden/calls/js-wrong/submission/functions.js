// Wrong answers a beginner gives: text, no return, a mutated copy, the wrong error.
function double(n) {
  return String(n * 2);
}

function greet(name) {
  console.log(`Hello, ${name}!`);
}

function total(numbers) {
  let sum = 0;
  for (let i = 1; i < numbers.length; i++) sum += numbers[i];
  return sum;
}

function sortNumbers(numbers) {
  return numbers.sort();
}

function person(name, age) {
  return { name, age: String(age) };
}

function parse(text) {
  throw new TypeError("cannot parse " + text);
}

async function later(n) {
  throw new RangeError("too late");
}

module.exports = { double, greet, total, sortNumbers, person, parse, later };

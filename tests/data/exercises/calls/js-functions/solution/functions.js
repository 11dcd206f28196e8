function double(n) {
  return n * 2;
}

function greet(name) {
  return `Hello, ${name}!`;
}

function total(numbers) {
  return numbers.reduce((sum, n) => sum + n, 0);
}

function sortNumbers(numbers) {
  return numbers.sort((a, b) => a - b);
}

function person(name, age) {
  return { name, age };
}

function parse(text) {
  return JSON.parse(text);
}

async function later(n) {
  return n * 2;
}

module.exports = { double, greet, total, sortNumbers, person, parse, later };

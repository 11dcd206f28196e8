const numbers = [1, 2, 3];

function double(n) {
  return n * 2;
}

numbers.forEach((n) => undefinedHelper(n));

module.exports = { double };

function double(number) {
  // Give back the number times two.
}

module.exports = { double };

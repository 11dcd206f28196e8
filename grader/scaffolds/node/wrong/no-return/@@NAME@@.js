function double(number) {
  number * 2;
}

module.exports = { double };

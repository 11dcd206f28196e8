function double(number) {
  return number * 2;
}

module.exports = { double };

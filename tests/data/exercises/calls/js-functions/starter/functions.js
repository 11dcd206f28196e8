function double(n) {
}

module.exports = { double };

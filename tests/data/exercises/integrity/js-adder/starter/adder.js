module.exports = { add: (a, b) => 0 };

module.exports = { answer: () => 0 };

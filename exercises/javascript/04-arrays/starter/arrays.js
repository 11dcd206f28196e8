function total(numbers) {
}

function average(numbers) {
  // 0 when the array is empty
}

function longWords(words, minLength) {
  // a new array with the words that have at least minLength letters
}

// Keep this line: it lets the checker use your functions.
module.exports = { total, average, longWords };

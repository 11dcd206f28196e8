function sumTo(n) {
  // 1 + 2 + ... + n
}

function repeatWord(word, times) {
  // the word, times times, with nothing added between
}

function countVowels(text) {
  // how many of the letters are a, e, i, o or u (small or capital)
}

// Keep this line: it lets the checker use your functions.
module.exports = { sumTo, repeatWord, countVowels };

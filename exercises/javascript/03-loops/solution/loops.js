function sumTo(n) {
  let total = 0;
  for (let i = 1; i <= n; i++) {
    total = total + i;
  }
  return total;
}

function repeatWord(word, times) {
  let result = "";
  for (let i = 0; i < times; i++) {
    result = result + word;
  }
  return result;
}

function countVowels(text) {
  let count = 0;
  for (const letter of text.toLowerCase()) {
    if ("aeiou".includes(letter)) {
      count++;
    }
  }
  return count;
}

module.exports = { sumTo, repeatWord, countVowels };

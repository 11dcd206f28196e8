function sumTo(n) {
  let total = 0;
  let i = 1;
  while (i <= n) {
    total += i;
    i++;
  }
  return total;
}

function repeatWord(word, times) {
  let result = "";
  for (let i = 0; i < times; i++) {
    result += word;
  }
  return result;
}

function countVowels(text) {
  let count = 0;
  for (const letter of text) {
    if ("aeiou".includes(letter)) {
      count++;
    }
  }
  return count;
}

module.exports = { sumTo, repeatWord, countVowels };

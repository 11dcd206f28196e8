function sumTo(n) {
  let total = 0;
  for (let i = 1; i < n; i++) {
    total += i;
  }
  return total;
}

function repeatWord(word, times) {
  let result = "";
  let count = 0;
  while (count < times) {
    result += word;
    count++;
  }
  return result;
}

function countVowels(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const letter = text[i].toLowerCase();
    if (letter === "a" || letter === "e" || letter === "i" || letter === "o" || letter === "u") {
      count++;
    }
  }
  return count;
}

module.exports = { sumTo, repeatWord, countVowels };

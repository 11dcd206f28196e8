function sumTo(n) {
  let total = 0;
  let i = n;
  while (i > 0) {
    total += i;
    i--;
  }
  return total;
}

function repeatWord(word, times) {
  let result = "";
  let done = 0;
  while (done < times) {
    result += word;
    done += 1;
  }
  return result;
}

function countVowels(text) {
  let count = 0;
  let i = 0;
  while (i < text.length) {
    const letter = text[i];
    if ("aeiouAEIOU".indexOf(letter) !== -1) {
      count = count + 1;
    }
    i = i + 1;
  }
  return count;
}

module.exports = { sumTo, repeatWord, countVowels };

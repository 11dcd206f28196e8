const sumTo = (n) => (n * (n + 1)) / 2;
const repeatWord = (word, times) => word.repeat(times);
const countVowels = (text) => [...text.toLowerCase()].filter((letter) => "aeiou".includes(letter)).length;

module.exports = { sumTo, repeatWord, countVowels };

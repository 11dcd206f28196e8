function total(numbers) {
  let sum = 0;
  for (let i = 0; i < numbers.length; i++) {
    sum += numbers[i];
  }
  return sum;
}

function average(numbers) {
  return total(numbers) / numbers.length;
}

function longWords(words, minLength) {
  return words.filter((word) => word.length >= minLength);
}

module.exports = { total, average, longWords };

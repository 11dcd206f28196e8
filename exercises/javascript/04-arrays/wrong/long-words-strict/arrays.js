function total(numbers) {
  return numbers.reduce((sum, n) => sum + n, 0);
}

function average(numbers) {
  if (numbers.length === 0) return 0;
  return total(numbers) / numbers.length;
}

function longWords(words, minLength) {
  const kept = [];
  for (const word of words) {
    if (word.length > minLength) {
      kept.push(word);
    }
  }
  return kept;
}

module.exports = { total, average, longWords };

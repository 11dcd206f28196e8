function total(numbers) {
  let sum = 0;
  for (let i = 0; i < numbers.length; i += 1) {
    sum = sum + numbers[i];
  }
  return sum;
}

function average(numbers) {
  const count = numbers.length;
  if (!count) {
    return 0;
  }
  let sum = 0;
  for (let i = 0; i < count; i += 1) {
    sum += numbers[i];
  }
  return sum / count;
}

function longWords(words, minLength) {
  const kept = new Array();
  for (let i = 0; i < words.length; i += 1) {
    if (!(words[i].length < minLength)) {
      kept[kept.length] = words[i];
    }
  }
  return kept;
}

module.exports = { total, average, longWords };

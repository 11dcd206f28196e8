const total = (numbers) => numbers.reduce((sum, number) => sum + number, 0);
const average = (numbers) => (numbers.length > 0 ? total(numbers) / numbers.length : 0);
const longWords = (words, minLength) => words.filter((word) => word.length >= minLength);

module.exports = { total, average, longWords };

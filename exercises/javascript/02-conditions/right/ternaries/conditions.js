const describeTemperature = (celsius) => (celsius < 10 ? "cold" : celsius < 25 ? "mild" : "hot");
const isEven = (number) => Math.abs(number % 2) === 0;
const canEnter = (age, hasTicket) => hasTicket === true && !(age < 18);

module.exports = { describeTemperature, isEven, canEnter };

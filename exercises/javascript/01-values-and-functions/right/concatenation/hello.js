var greet = function (name) {
  var sentence = "Hello, ";
  sentence += name;
  sentence += "!";
  return sentence;
};

function double(number) {
  const twice = 2 * number;
  return twice;
}

function fullName(first, last) {
  return first.concat(" ", last);
}

module.exports = { greet: greet, double: double, fullName: fullName };

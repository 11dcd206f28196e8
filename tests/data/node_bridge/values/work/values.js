// Values of every kind the codec carries by value, and an echo to send them back.
function numbers() {
  return [NaN, -0, 0, Infinity, -Infinity, 1.5, 2 ** 60, 10n ** 30n, -7n];
}

function specials() {
  return [undefined, null, true, false, "", "Zoë 😀", "\ud800", Symbol.for("shared"), Symbol.iterator];
}

function containers() {
  const shared = { id: 1 };
  const cyclic = { name: "loop" };
  cyclic.self = cyclic;
  const bare = Object.create(null);
  bare.key = "value";
  return {
    list: [1, [2, [3, [4]]], { deep: { deeper: [5] } }],
    holes: [1, , 3],
    map: new Map([["a", 1], [{ k: 1 }, [2]]]),
    set: new Set([1, "two", shared]),
    date: new Date(Date.UTC(2024, 0, 2)),
    invalidDate: new Date(NaN),
    regexp: /a+b/gi,
    pair: [shared, shared],
    cyclic,
    bare,
    frozen: Object.freeze([1, 2]),
    "__proto__ key": JSON.parse('{"__proto__": {"polluted": true}}'),
  };
}

function person(name, age) {
  return { name, age };
}

function echo(value) {
  return value;
}

function typeOf(value) {
  return Object.prototype.toString.call(value) + " " + typeof value;
}

function chain(length) {
  let list = null;
  for (let i = length; i > 0; i--) list = { value: i, next: list };
  return list;
}

module.exports = { chain, numbers, specials, containers, person, echo, typeOf, count: 3, label: "values" };

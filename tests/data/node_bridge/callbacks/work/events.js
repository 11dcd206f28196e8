// Callbacks of the tests, called now and later; promises; objects handed to callbacks.
function mapAll(list, fn) {
  const out = [];
  for (let i = 0; i < list.length; i++) out.push(fn(list[i], i));
  return out;
}
function applyTwice(fn, value) {
  return fn(fn(value));
}
function callWithThis(fn) {
  return fn.call({ who: "learner" }, 1);
}
function later(fn, value) {
  setTimeout(() => fn(value), 5);
}
async function doubleLater(value) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return value * 2;
}
async function failLater(message) {
  await null;
  throw new RangeError(message);
}
class Counter {
  constructor() { this.count = 0; }
  increment() { this.count += 1; return this.count; }
}
function withCounter(fn) {
  const counter = new Counter();
  fn(counter);
  return counter.count;
}
function swallow(fn) {
  try {
    fn();
    return "no error";
  } catch (error) {
    return `caught ${error.name}`;
  }
}
function rethrow(fn) {
  fn();
}
function thenable(value) {
  return { then(resolve) { setTimeout(() => resolve(value), 1); } };
}
module.exports = { mapAll, applyTwice, callWithThis, later, doubleLater, failLater, withCounter, swallow, rethrow, thenable, Counter };

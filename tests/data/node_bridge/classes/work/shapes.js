// Classes, instances, getters and setters, inheritance, static methods, error classes, generators.
class StackEmptyError extends Error {
  constructor(message) {
    super(message);
    this.name = "StackEmptyError";
  }
}

class TooSmallError extends RangeError {}

class WrongShapeError extends StackEmptyError {
  constructor(message, shape) {
    super(message);
    this.name = "WrongShapeError";
    this.shape = shape;
  }
}

class Stack {
  #secret = "hidden";
  constructor(...items) {
    this.items = items;
  }
  push(item) {
    this.items.push(item);
    return this.items.length;
  }
  pop() {
    if (this.items.length === 0) throw new StackEmptyError("the stack is empty");
    return this.items.pop();
  }
  get size() {
    return this.items.length;
  }
  set top(value) {
    this.items[this.items.length - 1] = value;
  }
  peekSecret() {
    return this.#secret;
  }
  *[Symbol.iterator]() {
    yield* this.items;
  }
  static of(...items) {
    return new Stack(...items);
  }
}

class Square {
  constructor(side) {
    if (side <= 0) throw new TooSmallError(`a side of ${side} is too small`);
    this.side = side;
  }
  area() {
    return this.side * this.side;
  }
  grow(by) {
    this.side += by;
    return this;
  }
}

class Cube extends Square {
  volume() {
    return this.area() * this.side;
  }
}

function* countTo(n) {
  for (let i = 1; i <= n; i++) yield i;
  return "done";
}

function checkShape(shape) {
  throw new WrongShapeError(`${shape} is not a shape`, shape);
}

function throwText() {
  throw "just text";
}

function badArgument(value) {
  if (typeof value !== "number") throw new TypeError(`${value} is not a number`);
  return value;
}

const errors = { TooSmallError };
module.exports = { Stack, Square, Cube, StackEmptyError, WrongShapeError, countTo, checkShape, throwText, badArgument, errors };

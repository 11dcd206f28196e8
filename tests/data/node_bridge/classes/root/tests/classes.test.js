const test = require("node:test");
const assert = require("node:assert");
const m = require("../shapes.js");

test("ok: instances, methods, getters and setters run in the learner's process", () => {
  const stack = new m.Stack(1, 2);
  assert.strictEqual(typeof m.Stack, "function");
  assert.strictEqual(typeof stack, "object");
  assert.strictEqual(stack.push(3), 3);
  assert.strictEqual(stack.size, 3);
  stack.top = 30;
  assert.deepStrictEqual(stack.items, [1, 2, 30]);
  assert.strictEqual(stack.pop(), 30);
  assert.strictEqual(stack.peekSecret(), "hidden");
  assert.deepStrictEqual([...stack], [1, 2]);
  assert.deepStrictEqual(Object.keys(stack), ["items"]);
  assert.ok("push" in stack);
  stack.label = "mine";
  assert.strictEqual(stack.label, "mine");
  delete stack.label;
  assert.strictEqual(stack.label, undefined);
});

test("ok: instanceof, identity, inheritance and static methods", () => {
  const cube = new m.Cube(2);
  assert.ok(cube instanceof m.Cube);
  assert.ok(cube instanceof m.Square);
  assert.ok(!(cube instanceof m.Stack));
  assert.ok(!({} instanceof m.Stack));
  assert.strictEqual(cube.volume(), 8);
  assert.strictEqual(cube.grow(1), cube);
  assert.strictEqual(cube.area(), 9);
  assert.strictEqual(Object.getPrototypeOf(cube), m.Cube.prototype);
  assert.strictEqual(m.Stack, m.Stack);
  assert.deepStrictEqual([...m.Stack.of("a", "b")], ["a", "b"]);
  assert.strictEqual(m.Stack.name, "Stack");
  assert.match(require("util").inspect(new m.Stack()), /Stack/);
});

test("ok: generators are iterated in the learner's process", () => {
  assert.deepStrictEqual([...m.countTo(3)], [1, 2, 3]);
  const numbers = m.countTo(2);
  assert.deepStrictEqual(numbers.next(), { value: 1, done: false });
  assert.deepStrictEqual(numbers.next(), { value: 2, done: false });
  assert.deepStrictEqual(numbers.next(), { value: "done", done: true });
  let total = 0;
  for (const n of m.countTo(4)) total += n;
  assert.strictEqual(total, 10);
});

test("ok: learner errors match the built-in classes, the learner's classes and messages", () => {
  const empty = new m.Stack();
  assert.throws(() => empty.pop(), m.StackEmptyError);
  assert.throws(() => empty.pop(), Error);
  assert.throws(() => empty.pop(), /the stack is empty/);
  assert.throws(() => empty.pop(), { name: "StackEmptyError", message: "the stack is empty" });
  assert.throws(() => new m.Square(0), RangeError);
  assert.throws(() => new m.Square(0), m.errors.TooSmallError);
  assert.throws(() => m.badArgument("x"), TypeError);
  assert.throws(() => m.badArgument("x"), { message: "x is not a number" });
  assert.throws(() => m.checkShape("blob"), m.StackEmptyError);
  assert.throws(() => m.checkShape("blob"), m.WrongShapeError);
  assert.throws(() => m.throwText(), (thrown) => thrown === "just text");
  try {
    m.checkShape("blob");
  } catch (error) {
    assert.strictEqual(error.shape, "blob");
    assert.strictEqual(error.name, "WrongShapeError");
    assert.ok(error instanceof Error);
    assert.strictEqual(error.constructor, m.WrongShapeError);
    assert.match(error.stack, /shapes\.js:\d+/);
  }
});

test("fails: a learner error of the wrong class", () => {
  assert.throws(() => new m.Stack().pop(), TypeError);
});

test("fails: a learner error thrown in a test", () => {
  new m.Stack().pop();
});

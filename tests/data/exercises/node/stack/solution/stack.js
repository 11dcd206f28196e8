class Stack {
  constructor() {
    this.items = [];
  }
  push(value) {
    this.items.push(value);
  }
  pop() {
    return this.items.pop();
  }
  get size() {
    return this.items.length;
  }
}

module.exports = { Stack };

class Stack {
  constructor() {
    this.items = this.start.slice();
  }
}

module.exports = { Stack };

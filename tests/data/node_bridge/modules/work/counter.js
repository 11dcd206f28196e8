const { double } = require("./lib/math.js");
let count = 0;
module.exports = {
  next() {
    count += 1;
    return double(count);
  },
};

// A learner who writes to the channel and to the descriptors of its parent.
const fs = require("fs");
function garbage() {
  fs.writeSync(3, "GARBAGE, not a message");
  return 1;
}
function huge() {
  fs.writeSync(3, Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return 1;
}
function forgedAnswer() {
  // An answer to a question the tests never asked.
  const body = Buffer.from(JSON.stringify({ r: 99999, ok: true }));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  fs.writeSync(3, Buffer.concat([head, body]));
  return 1;
}
function parent() {
  const line = JSON.stringify({ event: "test", name: "forged", nesting: 0, outcome: "passed" }) + "\n";
  for (const fd of ["3", "4", "5"]) {
    try {
      fs.writeFileSync(`/proc/${process.ppid}/fd/${fd}`, line);
    } catch (error) {
      // not allowed, or not there
    }
  }
  return 2;
}
module.exports = { garbage, huge, forgedAnswer, parent };

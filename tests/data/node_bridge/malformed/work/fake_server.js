// A fake learner server: it answers `require` of <variant>.js with a malformed answer.
const fs = require("fs");

function frame(body) {
  const bytes = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(bytes.length);
  return Buffer.concat([head, bytes]);
}

function nested(depth) {
  return '["a",['.repeat(depth) + "1" + "]]".repeat(depth);
}

const ANSWERS = {
  "not-json": (id) => frame("{nope"),
  "not-an-object": (id) => frame([1, 2]),
  "too-large": (id) => Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]),
  "unknown-id": (id) => frame({ r: id + 1000, ok: 1 }),
  "unknown-tag": (id) => frame({ r: id, ok: ["zz", 1] }),
  "too-deep": (id) => frame(`{"r": ${id}, "ok": ${nested(100000)}}`),
  "too-many": (id) => frame({ r: id, ok: ["a", new Array(1100000).fill(0)] }),
  "bad-reference": (id) => frame({ r: id, ok: ["a", [["@", 5]]] }),
  "unknown-handle": (id) => frame({ r: id, ok: ["y", 77] }),
  "bad-bigint": (id) => frame({ r: id, ok: ["i", "12x"] }),
  "error-class-not-a-class": (id) => frame({ r: id, err: ["e", { cls: ["h", 3, "function", "f"], name: "E", message: "", stack: "", props: [] }] }),
  "error-unknown-builtin": (id) => frame({ r: id, err: ["e", { cls: "AssertionError", name: "E", message: "", stack: "", props: [] }] }),
  "both-ok-and-err": (id) => frame({ r: id, ok: 1, err: 2 }),
  "unknown-request": (id) => frame({ q: 1, op: "get", t: 1, k: "x" }),
  "notice-unknown": (id) => frame({ n: "hello" }),
};

let buffered = Buffer.alloc(0);
const chunk = Buffer.alloc(65536);
for (;;) {
  let count;
  try {
    count = fs.readSync(3, chunk);
  } catch (error) {
    if (error.code === "EAGAIN") continue;
    throw error;
  }
  if (count === 0) process.exit(0);
  buffered = Buffer.concat([buffered, chunk.subarray(0, count)]);
  while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
    const length = buffered.readUInt32BE(0);
    const message = JSON.parse(buffered.subarray(4, 4 + length));
    buffered = buffered.subarray(4 + length);
    if (message.op === "require") {
      const variant = message.path.replace(/\.js$/, "");
      if (variant === "prototype-pollution-answer") {
        fs.writeSync(3, frame({ r: message.q, ok: ["o", [["__proto__", ["o", [["polluted", true]]]]]] }));
      } else {
        fs.writeSync(3, ANSWERS[variant](message.q));
      }
    }
  }
}

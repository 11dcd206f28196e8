// A node:test reporter, run in the tests' process: one JSON line per test event on fd 3.
// Suites and the test file itself are reported too (scope "suite", "file"): the host keeps the
// leaves (tests with no tests inside) and fails the check for a failure outside any test (a hook,
// a describe body). For such a failure, `origin` says whose doing it was when the grading
// boundary knows (node_bridge.js): "learner" or "tests"; "" when no bridge is loaded.
const TEXT = 2000;
const STACK = 1500;

function bridge() {
  return globalThis[Symbol.for("grader.node_bridge")];
}

function words(read, limit) {
  try {
    const value = read();
    return value === undefined || value === null ? "" : String(value).slice(0, limit);
  } catch (error) {
    return "";
  }
}

export default async function* reporter(source) {
  for await (const event of source) {
    const data = event.data || {};
    if (event.type === "test:pass" || event.type === "test:fail") {
      const details = data.details || {};
      const error = details.error;
      const cause = error && (error.cause || error);
      const scope = details.type === "suite" ? "suite" : data.file && data.name === data.file ? "file" : "test";
      const line = {
        event: "test",
        name: data.name,
        nesting: data.nesting,
        scope,
        outcome: event.type === "test:pass" ? (data.skip || data.todo ? "skipped" : "passed") : "failed",
        message: cause ? words(() => cause.message || cause, TEXT) : "",
      };
      if (event.type === "test:fail") {
        const known = bridge();
        line.failure = words(() => error && error.failureType, 100);
        line.error = words(() => cause && cause.name, 100);
        line.origin = known ? known.originOf(cause) : "";
        line.why = known ? known.whyOf(cause) : "";
        if (scope !== "test") line.stack = words(() => cause && cause.stack, STACK);
      }
      yield JSON.stringify(line) + "\n";
    } else if (event.type === "test:plan") {
      yield JSON.stringify({ event: "plan", nesting: data.nesting, count: data.count }) + "\n";
    }
  }
}

// A node:test reporter, run inside the sandbox: one JSON line per test event on fd 3.
// Suites are reported too; the host keeps the leaves (tests with no tests inside).
export default async function* reporter(source) {
  for await (const event of source) {
    const data = event.data || {};
    if (event.type === "test:pass" || event.type === "test:fail") {
      const error = data.details && data.details.error;
      const cause = error && (error.cause || error);
      yield JSON.stringify({
        event: "test",
        name: data.name,
        nesting: data.nesting,
        outcome: event.type === "test:pass" ? (data.skip || data.todo ? "skipped" : "passed") : "failed",
        message: cause ? String(cause.message || cause).slice(0, 2000) : "",
      }) + "\n";
    } else if (event.type === "test:plan") {
      yield JSON.stringify({ event: "plan", nesting: data.nesting, count: data.count }) + "\n";
    }
  }
}

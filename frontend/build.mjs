// Bundles frontend/editor.js (CodeMirror 6 from node_modules, pinned by package-lock.json) into
// web/static/editor/editor.js, with the licences of everything inside it, and records a stamp of
// the inputs so that a stale bundle is noticed (tests/web/test_editor_asset.py, scripts/setup.sh).
//
//   npm ci && node frontend/build.mjs
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "web", "static", "editor");
mkdirSync(out, { recursive: true });

// The stamp: what the bundle is made from, as `cat package-lock.json frontend/editor.js
// frontend/build.mjs | sha256sum` prints it (scripts/setup.sh and the tests compare the two).
const STAMPED = ["package-lock.json", "frontend/editor.js", "frontend/build.mjs"];
const stamp = createHash("sha256");
for (const name of STAMPED) stamp.update(readFileSync(join(root, name)));

const result = await build({
  entryPoints: [join(root, "frontend", "editor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome90", "firefox88", "safari14"],
  legalComments: "none",
  metafile: true,
  outfile: join(out, "editor.js"),
  logLevel: "warning",
});

// Every npm package that ended up in the bundle, with its licence text.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
let notice = "Third-party software in editor.js, bundled from the npm registry at build time.\n";
for (const name of [...packages].sort()) {
  const folder = join(root, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  const text = file ? readFileSync(join(folder, file), "utf8").trim() : `License: ${meta.license}`;
  notice += `\n${"=".repeat(72)}\n${name} ${meta.version} (${meta.license})\n${"=".repeat(72)}\n${text}\n`;
}
writeFileSync(join(out, "LICENSES.txt"), notice);
writeFileSync(join(out, "stamp.txt"), stamp.digest("hex") + "\n");
if (!existsSync(join(out, "editor.js"))) throw new Error("no bundle written");
console.log(`web/static/editor/editor.js: ${packages.size} packages bundled`);

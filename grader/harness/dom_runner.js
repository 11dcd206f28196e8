// Loads the learner's page in jsdom with its scripts, performs the check's actions, and reports
// the resulting DOM (serialised) and the page's errors as one JSON object on fd 3.
// Input on stdin: {"page": "index.html", "actions": [{"click": "#go"}, {"fill": "#name", "value": "Ann"}]}.
"use strict";
const fs = require("fs");
const path = require("path");
const { JSDOM, VirtualConsole } = require("jsdom");

const IGNORED = /^Not implemented: (navigation|HTMLFormElement\.prototype\.(submit|requestSubmit)|window\.(alert|confirm|prompt|scrollTo))/;

function settle(window, ms = 0) {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

async function perform(window, action) {
  const document = window.document;
  const [verb] = Object.keys(action).filter((key) => key !== "value" && key !== "key");
  if (verb === "wait") {
    await settle(window, Number(action.wait));
    return null;
  }
  const selector = action[verb];
  const element = document.querySelector(selector);
  if (!element) return `No element on the page matches \`${selector}\`, so it could not be used (${verb}).`;
  if (verb === "click") {
    element.click();
  } else if (verb === "fill" || verb === "select") {
    element.focus && element.focus();
    element.value = action.value;
    element.dispatchEvent(new window.Event("input", { bubbles: true }));
    element.dispatchEvent(new window.Event("change", { bubbles: true }));
  } else if (verb === "check") {
    if (!element.checked) element.click();
  } else if (verb === "submit") {
    const form = element.tagName === "FORM" ? element : element.form || element.closest("form");
    if (!form) return `\`${selector}\` is not inside a form, so it could not be submitted.`;
    form.requestSubmit();
  } else if (verb === "press") {
    for (const type of ["keydown", "keypress", "keyup"]) {
      element.dispatchEvent(new window.KeyboardEvent(type, { key: action.key, bubbles: true }));
    }
  }
  return null;
}

async function main() {
  const params = JSON.parse(fs.readFileSync(0, "utf8"));
  const errors = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on("jsdomError", (error) => {
    const message = String((error && error.message) || error);
    if (!IGNORED.test(message)) errors.push(message.slice(0, 500));
  });
  virtualConsole.on("error", (...args) => errors.push(args.map(String).join(" ").slice(0, 500)));
  const page = path.join("/work", params.page);
  const dom = await JSDOM.fromFile(page, {
    runScripts: "dangerously",
    resources: "usable",
    pretendToBeVisual: true,
    virtualConsole,
    beforeParse(window) {
      // jsdom has no layout, so no innerText; beginners use it as often as textContent.
      Object.defineProperty(window.HTMLElement.prototype, "innerText", {
        configurable: true,
        get() { return this.textContent; },
        set(value) { this.textContent = value; },
      });
    },
  });
  const window = dom.window;
  if (window.document.readyState !== "complete") {
    await new Promise((resolve) => window.addEventListener("load", resolve));
  }
  await settle(window);
  const actionErrors = [];
  for (const action of params.actions || []) {
    const problem = await perform(window, action);
    await settle(window);
    if (problem) {
      actionErrors.push(problem);
      break;
    }
  }
  const report = JSON.stringify({ html: dom.serialize(), errors, action_errors: actionErrors });
  fs.writeSync(3, report);
  process.exit(0);
}

main().catch((error) => {
  fs.writeSync(3, JSON.stringify({ fatal: String((error && error.message) || error) }));
  process.exit(0);
});

"""The console of a learner's page: a small script the preview origin serves at /_console.js and puts
first in every HTML page it shows. It sends the page's console.log output and JavaScript errors to
the exercise page by postMessage; the exercise page (web/static/app.js) shows them as text only."""

from __future__ import annotations

import re

from flask import Response

CONSOLE_SCRIPT = """(function () {
  "use strict";
  var left = 500;
  function text(value) {
    if (typeof value === "string") { return value; }
    if (value instanceof Error) { return value.name + ": " + value.message; }
    try { var json = JSON.stringify(value); return json === undefined ? String(value) : json; }
    catch (e) { return String(value); }
  }
  function send(kind, values) {
    if (left <= 0) { return; }
    left -= 1;
    try {
      var words = Array.prototype.map.call(values, text).join(" ").slice(0, 2000);
      parent.postMessage({ grader: "console", kind: kind, text: words }, "*");
    } catch (e) { /* the page goes on whatever happens here */ }
  }
  ["log", "info", "warn", "error"].forEach(function (name) {
    var original = console[name];
    console[name] = function () { send(name, arguments); return original.apply(console, arguments); };
  });
  window.addEventListener("error", function (event) {
    var file = (event.filename || "").split("/").pop();
    var where = event.lineno ? " (" + (file ? file + ", " : "") + "line " + event.lineno + ")" : "";
    send("error", [(event.message || "Error") + where]);
  });
  window.addEventListener("unhandledrejection", function (event) {
    send("error", ["Unhandled promise rejection: " + text(event.reason)]);
  });
})();
"""
"""Nothing else of the page changes: console methods still do what they did."""
_DOCTYPE = re.compile(r"^\ufeff?\s*<!doctype[^>]*>", re.IGNORECASE)


def with_console(html: str) -> str:
    """`html` with the console script first (after the doctype, on the same line: no line moves)."""
    tag = '<script src="/_console.js"></script>'
    found = _DOCTYPE.match(html)
    return html[:found.end()] + tag + html[found.end():] if found else tag + html


def console_script() -> Response:
    return Response(CONSOLE_SCRIPT, mimetype="text/javascript")

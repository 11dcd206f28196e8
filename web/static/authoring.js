// The exercise editor of the site (web/templates/authoring/edit.html): CodeMirror over the file's
// textarea (web/static/editor), the mistakes of the last save marked on their lines, Ctrl+S to save.
// Without scripts the page works as a plain form.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("content-editor");
    if (!form) { return; }
    var area = form.querySelector("textarea.editor");
    var save = function () { form.requestSubmit ? form.requestSubmit() : form.submit(); return true; };
    var editor = null;
    if (window.CodeEditor && area) {
      var nonce = document.querySelector("meta[name=csp-nonce]");
      editor = window.CodeEditor.attach(area, {
        labelledBy: "file-title",
        nonce: nonce ? nonce.getAttribute("content") : "",
        keys: [{ key: "Mod-s", run: save }]
      });
    }
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
    });
    if (!editor) { return; }
    var marks = [];
    try { marks = JSON.parse(form.getAttribute("data-marks") || "[]"); } catch (e) { marks = []; }
    editor.markErrors(marks);
    var line = parseInt(form.getAttribute("data-line") || "", 10);
    if (line > 0) { editor.gotoLine(line); }
    Array.prototype.forEach.call(document.querySelectorAll("#mistakes a[data-line]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        editor.gotoLine(parseInt(link.getAttribute("data-line"), 10));
      });
    });
  });
})();

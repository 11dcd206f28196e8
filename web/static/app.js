// Code Workshop: progressive enhancement only. Every page works without this file; with it, the
// editor gets line numbers and indentation keys, work is saved as you type, and results update live.
(function () {
  "use strict";

  var INDENT = { py: "    ", html: "  ", htm: "  ", css: "  ", js: "  ", mjs: "  ", json: "  " };

  function indentFor(textarea) {
    var path = textarea.getAttribute("data-path") || "";
    return INDENT[path.split(".").pop()] || "    ";
  }

  function lineStart(value, index) {
    return value.lastIndexOf("\n", index - 1) + 1;
  }

  function replaceRange(textarea, start, end, text, selStart, selEnd) {
    textarea.setRangeText(text, start, end, "end");
    textarea.setSelectionRange(selStart, selEnd);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function enhanceEditor(textarea) {
    var wrap = document.createElement("div");
    wrap.className = "editor-wrap";
    var gutter = document.createElement("div");
    gutter.className = "gutter";
    gutter.setAttribute("aria-hidden", "true");
    textarea.parentNode.insertBefore(wrap, textarea);
    wrap.appendChild(gutter);
    wrap.appendChild(textarea);
    textarea.setAttribute("aria-describedby", "editor-help");
    var tabEscapes = false; // after Esc, Tab moves the focus on, as everywhere else

    function renumber() {
      var lines = textarea.value.split("\n").length;
      var text = "";
      for (var i = 1; i <= lines; i++) { text += i + "\n"; }
      gutter.textContent = text;
      gutter.scrollTop = textarea.scrollTop;
    }

    textarea.addEventListener("input", renumber);
    textarea.addEventListener("scroll", function () { gutter.scrollTop = textarea.scrollTop; });
    textarea.addEventListener("blur", function () { tabEscapes = false; });
    textarea.addEventListener("keydown", function (event) {
      var value = textarea.value, start = textarea.selectionStart, end = textarea.selectionEnd;
      var unit = indentFor(textarea);
      if (event.key === "Escape") { tabEscapes = true; return; }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        textarea.form.requestSubmit ? textarea.form.requestSubmit() : textarea.form.submit();
        return;
      }
      if (event.key === "Tab" && !tabEscapes && !event.altKey && !event.ctrlKey) {
        event.preventDefault();
        var first = lineStart(value, start);
        if (event.shiftKey || start !== end) {
          var block = value.slice(first, end);
          var lines = block.split("\n");
          var changed = lines.map(function (line) {
            if (!event.shiftKey) { return unit + line; }
            var strip = line.match(/^( {1,4}|\t)/);
            return strip ? line.slice(Math.min(strip[0].length, unit.length)) : line;
          }).join("\n");
          replaceRange(textarea, first, end, changed, first, first + changed.length);
        } else {
          replaceRange(textarea, start, end, unit, start + unit.length, start + unit.length);
        }
        return;
      }
      if (event.key === "Enter" && !event.shiftKey && start === end) {
        var current = value.slice(lineStart(value, start), start);
        var indent = current.match(/^[ \t]*/)[0];
        if (/[:{[(]\s*$/.test(current)) { indent += unit; }
        event.preventDefault();
        replaceRange(textarea, start, end, "\n" + indent, start + 1 + indent.length, start + 1 + indent.length);
      }
    });
    renumber();
  }

  function setUpTabs(form) {
    var tablist = form.querySelector(".tabs");
    if (!tablist) { return; }
    var buttons = tablist.querySelectorAll("button");
    var files = form.querySelectorAll(".file");
    function show(index) {
      for (var i = 0; i < files.length; i++) {
        files[i].hidden = i !== index;
        buttons[i].setAttribute("aria-selected", String(i === index));
        buttons[i].tabIndex = i === index ? 0 : -1;
      }
    }
    tablist.hidden = false;
    form.classList.add("tabbed"); // the tabs name the files now
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-controls", "file-" + i);
      buttons[i].addEventListener("click", show.bind(null, i));
      buttons[i].addEventListener("keydown", function (event) {
        var index = Array.prototype.indexOf.call(buttons, event.target);
        if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
          var next = (index + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length;
          show(next);
          buttons[next].focus();
        }
      });
    }
    show(0);
  }

  function setUpAutosave(form) {
    var url = form.getAttribute("data-draft");
    var state = form.querySelector(".save-state");
    var iframe = document.querySelector("#preview iframe");
    var timer = null, sending = false, again = false;
    function save() {
      if (sending) { again = true; return; }
      sending = true;
      fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
                   headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
        .then(function (pair) {
          if (pair[0]) {
            state.textContent = "Saved.";
            if (iframe && pair[1].preview_url) { iframe.src = pair[1].preview_url; }
          } else {
            state.textContent = (pair[1].problems || ["Not saved."]).join(" ");
          }
        })
        .catch(function () { state.textContent = "Not saved: the site did not answer."; })
        .then(function () { sending = false; if (again) { again = false; save(); } });
    }
    form.addEventListener("input", function () {
      state.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(save, 1200);
    });
  }

  function poll(panel) {
    var url = panel.getAttribute("data-poll");
    var started = Date.now();
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var holder = document.createElement("div");
          holder.innerHTML = data.html; // rendered and escaped by the site's own templates
          var fresh = holder.firstElementChild;
          var current = document.getElementById("result-panel");
          current.parentNode.replaceChild(fresh, current);
          if (data.history_html && document.getElementById("history")) {
            document.getElementById("history").innerHTML = data.history_html;
          }
          if (fresh.hasAttribute("data-poll")) {
            setTimeout(tick, Date.now() - started > 30000 ? 2000 : 700);
          }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 500);
  }

  // The classroom view (web/classroom.py): follow the push channel (web/live_events.py) and swap the
  // panels in place when a learner's submission changes, keeping the scroll, the focus, the sort and
  // the opened tracks. Sort links and track toggles fetch the panels too, without a reload.
  function setUpClassroom(root) {
    var state = document.getElementById("live-state");
    var words = state.querySelector(".words");
    var timer = null, busy = false, again = false, reveal = null, source = null;
    var LIVE = "Live: updates by itself as attempts are graded.";

    function show(text, kind) {
      state.hidden = false;
      state.className = "live-state muted " + kind;
      words.textContent = text;
    }

    function focusKey(element) {
      if (!element || !root.contains(element)) { return null; }
      var panel = element.closest("[data-panel]");
      var links = panel ? panel.querySelectorAll("a, button, [tabindex]") : [];
      return panel ? { panel: panel.getAttribute("data-panel"), index: Array.prototype.indexOf.call(links, element) } : null;
    }

    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      var focused = focusKey(document.activeElement);
      var wrap = root.querySelector(".grid-wrap");
      var left = wrap ? wrap.scrollLeft : 0;
      fetch(root.getAttribute("data-panels") + window.location.search,
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          ["help", "grid", "stuck"].forEach(function (name) {
            root.querySelector('[data-panel="' + name + '"]').innerHTML = data[name]; // rendered and escaped by the site
          });
          var fresh = root.querySelector(".grid-wrap");
          var opened = reveal && root.querySelector('th.track-col.open[data-track="' + reveal + '"]');
          if (fresh && opened) { // a track just opened: bring its exercises into view, beside the names
            fresh.scrollLeft = opened.offsetLeft - fresh.querySelector(".learner-col").offsetWidth;
          } else if (fresh) {
            fresh.scrollLeft = left;
          }
          reveal = null;
          if (focused) {
            var links = root.querySelector('[data-panel="' + focused.panel + '"]').querySelectorAll("a, button, [tabindex]");
            if (links[focused.index]) { links[focused.index].focus({ preventScroll: true }); }
          }
          root.setAttribute("data-updated", String(Date.now()));
          if (source && source.readyState === 1) { show(LIVE, "on"); }
        })
        .catch(function () { show("Could not update: the site did not answer.", "off"); })
        .then(function () { busy = false; if (again) { again = false; refresh(); } });
    }

    function soon() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250); // a burst of gradings becomes one update
    }

    root.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-live]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      var track = link.closest("th[data-track]");
      reveal = track && link.getAttribute("aria-expanded") === "false" ? track.getAttribute("data-track") : null;
      window.history.replaceState(null, "", link.getAttribute("href"));
      refresh();
    });

    if (window.EventSource) {
      source = new EventSource(root.getAttribute("data-events"));
      var lost = null; // the stream ends every few seconds on purpose: only a long gap is news
      source.addEventListener("open", function () {
        clearTimeout(lost);
        show(LIVE, "on");
      });
      source.addEventListener("error", function () {
        clearTimeout(lost);
        lost = setTimeout(function () { show("Not live: trying to reconnect…", "off"); }, 6000);
      });
      source.addEventListener("submission", function () {
        root.setAttribute("data-heard", String(Number(root.getAttribute("data-heard") || 0) + 1));
        soon();
      });
    }
    setInterval(refresh, 60000); // time passes: "no activity for a while" and "min ago" change on their own
  }

  document.addEventListener("DOMContentLoaded", function () {
    var classroom = document.getElementById("classroom");
    if (classroom) { setUpClassroom(classroom); }
    var print = document.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
    var editors = document.querySelectorAll("textarea.editor");
    for (var i = 0; i < editors.length; i++) { enhanceEditor(editors[i]); }
    var form = document.getElementById("editor-form");
    if (form) { setUpTabs(form); setUpAutosave(form); }
    var panel = document.querySelector("#result-panel[data-poll]");
    if (panel) { poll(panel); }
  });
})();

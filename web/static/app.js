// Code Workshop: progressive enhancement only. Every page works without this file; with it, the editor
// is CodeMirror (web/static/editor/editor.js), work is kept on this computer at every keystroke and
// saved as you type, Send and Run answer without a page load, results are pushed by the site
// (web/events.py), and an ended session is resumed in place without losing anything typed.
(function () {
  "use strict";

  var LOCAL_PREFIX = "workbench:";
  var FONT_KEY = "workbench-font-size";

  function byId(id) { return document.getElementById(id); }

  function safeStorage() {
    try { var s = window.localStorage; s.setItem("workbench-probe", "1"); s.removeItem("workbench-probe"); return s; }
    catch (e) { return null; }
  }

  // ---------------------------------------------------------------- the site's push channel
  // Watch one topic of web/events.py (`submission:12`, `run:4`, `cohort:3`). `on.state(state)` gets
  // the topic's state when the stream opens and each time it changes. The site ends a stream now and
  // then on purpose and EventSource reconnects by itself (the state comes again): `on.open()` says it
  // is connected, `on.trouble()` that the connection dropped (it may come back at once). `on.end()`:
  // the topic will not change any more; `on.gone()`: it is not this user's to see. When the site
  // refuses the stream, it is asked once why: the session ended calls `on.loggedOut(again)` (call
  // `again()` once logged in again; without `on.loggedOut` it is tried again later), anything else is
  // tried again in a few seconds. Returns {close()}.
  function watchTopic(eventsUrl, topic, on) {
    var url = eventsUrl + "?watch=" + encodeURIComponent(topic);
    var kind = topic.split(":")[0];
    var source = null, retry = null, closed = false;
    function call(name, value) { if (on[name]) { on[name](value); } }
    function stop() { clearTimeout(retry); if (source) { source.close(); } }
    function finish(name) { closed = true; stop(); call(name); }
    function later() { if (!closed) { retry = setTimeout(open, 3000); } }
    function open() {
      if (closed) { return; }
      var current = source = new EventSource(url);
      current.addEventListener("open", function () { call("open"); });
      current.addEventListener(kind, function (event) {
        var message = JSON.parse(event.data);
        if (message.topic === topic) { call("state", message.state); }
      });
      current.addEventListener("end", function () { finish("end"); });
      current.addEventListener("gone", function () { finish("gone"); });
      current.addEventListener("error", function () {
        if (closed) { return; }
        call("trouble");
        if (current.readyState !== EventSource.CLOSED) { return; } // it reconnects by itself
        stop();
        // Refused (the session ended?) or the site is away: ask once to know which.
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) {
            if (response.status === 401 && on.loggedOut && !closed) { on.loggedOut(open); } else { later(); }
          }, later);
      });
    }
    open();
    return { close: function () { closed = true; stop(); } };
  }

  // ---------------------------------------------------------------- what is typed, kept locally
  // Only what the site has not confirmed yet is kept: once saved there, the local copy goes, so a
  // shared classroom computer does not keep a learner's code for the next person.
  function LocalCopy(form) {
    this.storage = safeStorage();
    this.key = LOCAL_PREFIX + form.getAttribute("data-user") + ":" + form.getAttribute("data-exercise");
  }
  LocalCopy.prototype.keep = function (files) {
    if (!this.storage) { return; }
    try { this.storage.setItem(this.key, JSON.stringify({ files: files, at: Date.now() })); } catch (e) { /* full */ }
  };
  LocalCopy.prototype.load = function () {
    if (!this.storage) { return null; }
    try { return JSON.parse(this.storage.getItem(this.key) || "null"); } catch (e) { return null; }
  };
  LocalCopy.prototype.saved = function (files) {
    var kept = this.load();
    if (kept && sameFiles(kept.files, files) && this.storage) { this.storage.removeItem(this.key); }
  };

  function sameFiles(a, b) {
    var keys = Object.keys(a || {}).concat(Object.keys(b || {}));
    for (var i = 0; i < keys.length; i++) { if ((a || {})[keys[i]] !== (b || {})[keys[i]]) { return false; } }
    return true;
  }

  function forgetAllLocalWork() {
    var storage = safeStorage();
    if (!storage) { return; }
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(LOCAL_PREFIX) === 0) { storage.removeItem(key); }
    }
  }

  // ---------------------------------------------------------------- editors
  function plainEditor(textarea) {
    return {
      path: textarea.getAttribute("data-path"),
      getValue: function () { return textarea.value; },
      setValue: function (text) { textarea.value = text; },
      focus: function () { textarea.focus(); },
      gotoLine: function (line) {
        var lines = textarea.value.split("\n"), at = 0;
        for (var i = 0; i < Math.min(line - 1, lines.length); i++) { at += lines[i].length + 1; }
        textarea.focus();
        textarea.setSelectionRange(at, at + (lines[line - 1] || "").length);
      },
      markErrors: function () {}
    };
  }

  function Workbench(form) {
    this.form = form;
    this.local = new LocalCopy(form);
    this.state = form.querySelector(".save-state");
    this.editors = [];
    this.pending = [];        // what to do again once logged in again
    this.saveTimer = null;
    this.saving = false;
    this.saveAgain = false;
    this.streams = {};
    this.setUpEditors();
    this.setUpTabs();
    this.setUpFontSize();
    this.restoreLocalWork();
    this.setUpActions();
    this.setUpLoginDialog();
    this.setUpPageConsole();
  }

  Workbench.prototype.setUpEditors = function () {
    var self = this;
    var areas = this.form.querySelectorAll("textarea.editor");
    for (var i = 0; i < areas.length; i++) {
      var area = areas[i], editor;
      if (window.CodeEditor) {
        editor = window.CodeEditor.attach(area, {
          labelledBy: area.id + "-label",
          describedBy: "editor-help",
          nonce: (document.querySelector("meta[name=csp-nonce]") || {}).content,
          onChange: function () { self.changed(); },
          keys: [{ key: "Mod-Enter", run: function () { self.send(); return true; } }]
        });
        this.form.classList.add("enhanced");
      } else {
        editor = plainEditor(area);
        area.addEventListener("input", function () { self.changed(); });
      }
      this.editors.push(editor);
    }
    var panel = byId("result-panel");
    if (panel) { this.showMarks(panel.getAttribute("data-marks")); }
  };

  Workbench.prototype.files = function () {
    var files = {};
    this.editors.forEach(function (editor) { files[editor.path] = editor.getValue(); });
    return files;
  };

  Workbench.prototype.editorFor = function (path) {
    for (var i = 0; i < this.editors.length; i++) { if (this.editors[i].path === path) { return i; } }
    return -1;
  };

  Workbench.prototype.setUpTabs = function () {
    var tablist = this.form.querySelector(".tabs");
    var panels = this.form.querySelectorAll(".file");
    if (!tablist) { this.showFile = function () {}; return; }
    var buttons = tablist.querySelectorAll("button");
    this.showFile = function (index) {
      for (var i = 0; i < panels.length; i++) {
        panels[i].hidden = i !== index;
        buttons[i].setAttribute("aria-selected", String(i === index));
        buttons[i].tabIndex = i === index ? 0 : -1;
      }
    };
    tablist.hidden = false;
    this.form.classList.add("tabbed");
    var self = this;
    Array.prototype.forEach.call(buttons, function (button, i) {
      button.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("aria-labelledby", button.id);
      button.addEventListener("click", function () { self.showFile(i); });
      button.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") { return; }
        var next = (i + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length;
        self.showFile(next);
        buttons[next].focus();
      });
    });
    this.showFile(0);
  };

  Workbench.prototype.setUpFontSize = function () {
    var group = this.form.querySelector(".font-size");
    if (!group || !window.CodeEditor) { return; }
    var storage = safeStorage(), form = this.form;
    var size = parseInt((storage && storage.getItem(FONT_KEY)) || "15", 10);
    function apply() { form.style.setProperty("--editor-font-size", size + "px"); }
    group.hidden = false;
    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-font]");
      if (!button) { return; }
      size = Math.max(12, Math.min(28, size + 2 * parseInt(button.getAttribute("data-font"), 10)));
      if (storage) { storage.setItem(FONT_KEY, String(size)); }
      apply();
    });
    apply();
  };

  // Work typed here and never confirmed by the site (the session ended, the site was away, the tab
  // was closed) comes back when the page opens again, and is saved.
  Workbench.prototype.restoreLocalWork = function () {
    var kept = this.local.load();
    if (!kept || !kept.files) { return; }
    var savedAt = parseFloat(this.form.getAttribute("data-saved-at") || "0") * 1000;
    if (kept.at <= savedAt || sameFiles(kept.files, this.files())) {
      this.local.saved(kept.files);
      return;
    }
    this.editors.forEach(function (editor) {
      if (typeof kept.files[editor.path] === "string") { editor.setValue(kept.files[editor.path]); }
    });
    this.say("Brought back what you typed on this computer that was not saved yet. Saving it now…");
    this.save();
  };

  Workbench.prototype.say = function (text) { if (this.state) { this.state.textContent = text; } };

  Workbench.prototype.changed = function () {
    var self = this;
    this.local.keep(this.files());
    this.say("");
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(function () { self.save(); }, 1200);
  };

  // ---------------------------------------------------------------- talking to the site
  // Resolves to {status, data}; rejects with {ended: true} when the session has ended and with
  // {away: true} when the site did not answer.
  Workbench.prototype.post = function (url) {
    var body = new FormData(this.form);
    var files = this.files();
    this.editors.forEach(function (editor, i) { body.set("file-" + i, files[editor.path]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "Accept": "application/json" } })
      .then(readJson, function () { throw { away: true }; });
  };

  function readJson(response) {
    if (response.status === 401) { throw { ended: true }; }
    return response.json().then(function (data) { return { status: response.status, data: data }; },
                                function () { throw { away: true }; });
  }

  Workbench.prototype.failed = function (problem, again, what) {
    if (problem && problem.ended) {
      this.say("Not " + what + ": your session has ended. Log in again to carry on; nothing you typed is lost.");
      this.loginAgain(again);
    } else {
      this.say("Not " + what + ": the site did not answer. Your work is kept on this computer; it is saved when the site answers again.");
      if (what === "saved") { var self = this; setTimeout(function () { self.save(); }, 5000); }
    }
  };

  Workbench.prototype.save = function () {
    var self = this;
    clearTimeout(this.saveTimer);
    if (this.saving) { this.saveAgain = true; return Promise.resolve(); }
    this.saving = true;
    var sent = this.files();
    return this.post(this.form.getAttribute("data-draft")).then(function (answer) {
      if (answer.status === 200) {
        self.local.saved(sent);
        self.form.setAttribute("data-saved-at", String(answer.data.saved_at || 0));
        self.say("Saved.");
        var iframe = document.querySelector("#preview iframe");
        if (iframe && answer.data.preview_url) { self.clearPageConsole(); iframe.src = answer.data.preview_url; }
      } else {
        self.say("Not saved: " + (answer.data.problems || ["the site refused it."]).join(" "));
      }
    }, function (problem) { self.failed(problem, function () { return self.save(); }, "saved"); })
      .then(function () {
        self.saving = false;
        if (self.saveAgain) { self.saveAgain = false; self.save(); }
      });
  };

  Workbench.prototype.showProblems = function (problems) {
    var holder = byId("problems");
    if (!holder) { return; }
    holder.textContent = "";
    if (!problems || !problems.length) { return; }
    var box = document.createElement("div");
    box.className = "flash error";
    box.setAttribute("role", "alert");
    var list = document.createElement("ul");
    problems.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    box.appendChild(list);
    holder.appendChild(box);
  };

  Workbench.prototype.send = function () {
    var self = this;
    var sent = this.files();
    this.showProblems([]);
    this.say("Sending…");
    return this.post(this.form.action).then(function (answer) {
      if (answer.status !== 200) {
        self.say("");
        self.showProblems(answer.data.problems || ["The site refused it."]);
        return;
      }
      self.local.saved(sent);
      self.form.setAttribute("data-saved-at", String(answer.data.saved_at || 0));
      self.say("Sent. Your work is saved.");
      self.watchSubmission(String(answer.data.submission), answer.data.state);
    }, function (problem) { self.failed(problem, function () { return self.send(); }, "sent"); });
  };

  Workbench.prototype.run = function () {
    var self = this;
    var panel = byId("run-panel");
    this.showProblems([]);
    return this.post(this.form.getAttribute("data-run")).then(function (answer) {
      if (answer.status !== 200) {
        panel.textContent = "";
        var box = document.createElement("p");
        box.className = "flash error";
        box.setAttribute("role", "alert");
        box.textContent = (answer.data.problems || ["It could not run."]).join(" ");
        panel.appendChild(box);
        return;
      }
      self.showRun(answer.data.state);
      self.watch("run:" + answer.data.run, function (state) { self.showRun(state); });
    }, function (problem) { self.failed(problem, function () { return self.run(); }, "run"); });
  };

  Workbench.prototype.setUpActions = function () {
    var self = this;
    this.form.addEventListener("submit", function (event) {
      var by = event.submitter ? event.submitter.id : "send";
      event.preventDefault();
      if (by === "run-button") { self.run(); }
      else if (by === "save") { self.save(); }
      else { self.send(); }
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.line-link") : null;
      if (!link) { return; }
      var index = self.editorFor(link.getAttribute("data-file"));
      if (index < 0) { return; }
      event.preventDefault();
      self.showFile(index);
      self.editors[index].gotoLine(parseInt(link.getAttribute("data-line"), 10));
    });
    var panel = document.querySelector("#result-panel[data-submission]");
    if (panel && panel.hasAttribute("data-poll")) {
      this.watchSubmission(panel.getAttribute("data-submission"), null);
    }
    var run = document.querySelector("#run-panel [data-run]");
    if (run && /queued|running/.test(run.getAttribute("data-status"))) {
      this.watch("run:" + run.getAttribute("data-run"), function (state) { self.showRun(state); });
    }
  };

  // ---------------------------------------------------------------- pushed results
  Workbench.prototype.watch = function (topic, show) {
    var self = this;
    if (this.streams[topic]) { this.streams[topic].close(); }
    function forget() { if (self.streams[topic] === watching) { delete self.streams[topic]; } }
    var watching = watchTopic(this.form.getAttribute("data-events"), topic, {
      state: show, end: forget, gone: forget,
      loggedOut: function (again) { self.loginAgain(again); }
    });
    this.streams[topic] = watching;
  };

  function replaceFromHtml(current, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html; // rendered and escaped by the site's own templates
    var fresh = holder.firstElementChild;
    current.parentNode.replaceChild(fresh, current);
    return fresh;
  }

  // The result panel follows one attempt: the newest sent. An earlier attempt's news (replaced by the
  // newer one, graded late) never takes the panel back, even when it was already on its way.
  Workbench.prototype.watchSubmission = function (id, state) {
    var self = this;
    this.shownSubmission = id;
    Object.keys(this.streams).forEach(function (topic) {
      if (topic.indexOf("submission:") === 0 && topic !== "submission:" + id) {
        self.streams[topic].close();
        delete self.streams[topic];
      }
    });
    if (state) { this.showSubmission(state); }
    this.watch("submission:" + id, function (news) {
      if (self.shownSubmission === id) { self.showSubmission(news); }
    });
  };

  Workbench.prototype.showSubmission = function (state) {
    var current = byId("result-panel");
    if (!current || !state) { return; }
    var fresh = replaceFromHtml(current, state.html);
    if (state.history_html && byId("history")) { byId("history").innerHTML = state.history_html; }
    if (state.status === "done" || state.status === "error") { this.showMarks(JSON.stringify(state.marks || [])); }
    fresh.setAttribute("data-shown-at", String(Date.now()));
  };

  Workbench.prototype.showRun = function (state) {
    var panel = byId("run-panel");
    if (!panel || !state) { return; }
    panel.innerHTML = state.html; // rendered and escaped by the site's own templates
    if (state.status === "done" || state.status === "error") { this.showMarks(JSON.stringify(state.marks || [])); }
  };

  Workbench.prototype.showMarks = function (json) {
    var marks = [];
    try { marks = JSON.parse(json || "[]"); } catch (e) { marks = []; }
    this.editors.forEach(function (editor) {
      editor.markErrors(marks.filter(function (mark) { return mark.file === editor.path; }));
    });
  };

  // ---------------------------------------------------------------- logging in again, in place
  Workbench.prototype.setUpLoginDialog = function () {
    var self = this;
    this.dialog = byId("login-dialog");
    if (!this.dialog) { return; }
    this.dialog.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      self.logIn();
    });
    this.dialog.addEventListener("cancel", function (event) { event.preventDefault(); }); // the work waits for it
  };

  Workbench.prototype.loginAgain = function (again) {
    if (again) { this.pending.push(again); }
    if (!this.dialog || this.dialog.open) { return; }
    byId("login-dialog-error").textContent = "";
    this.dialog.showModal();
    byId("again-password").value = "";
    byId("again-password").focus();
  };

  Workbench.prototype.logIn = function () {
    var self = this;
    var error = byId("login-dialog-error");
    var username = this.form.getAttribute("data-username");
    error.textContent = "";
    fetch(this.form.getAttribute("data-login-token"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (token) {
        var body = new FormData();
        body.set("csrf_token", token.csrf_token);
        body.set("username", username);
        body.set("password", byId("again-password").value);
        return fetch(self.form.getAttribute("data-login"), { method: "POST", body: body, credentials: "same-origin",
                                                              headers: { "Accept": "application/json" } });
      })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (pair) {
        if (!pair[0] || pair[1].username !== username) {
          error.textContent = pair[1].error || "That did not work. Check your password and try again.";
          return;
        }
        var inputs = document.querySelectorAll("input[name=csrf_token]");
        for (var i = 0; i < inputs.length; i++) { inputs[i].value = pair[1].csrf_token; }
        self.dialog.close();
        self.say("You are logged in again. Saving your work…");
        var pending = self.pending;
        self.pending = [];
        var chain = self.save();
        pending.forEach(function (action) { chain = chain.then(action); });
        self.editors[0] && self.editors[0].focus();
      })
      .catch(function () { error.textContent = "The site did not answer. Try again in a moment."; });
  };

  // ---------------------------------------------------------------- the page's console
  // Messages come from the learner's own page in the preview origin: untrusted, shown as text only.
  Workbench.prototype.setUpPageConsole = function () {
    var box = byId("page-console");
    var iframe = document.querySelector("#preview iframe");
    if (!box || !iframe) { return; }
    var list = box.querySelector(".console-lines");
    var count = box.querySelector(".count");
    var shown = 0;
    this.clearPageConsole = function () { list.textContent = ""; shown = 0; count.textContent = ""; };
    box.querySelector("[data-clear]").addEventListener("click", this.clearPageConsole);
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.source !== iframe.contentWindow || !data || data.grader !== "console") { return; }
      // The frame is sandboxed without allow-same-origin: its origin is opaque ("null"), so the
      // sender is known by its window, which only this page's own iframe has.
      if (event.origin !== "null" && event.origin !== new URL(iframe.src, location.href).origin) { return; }
      if (shown >= 200) { return; }
      shown += 1;
      var kind = ["log", "info", "warn", "error"].indexOf(data.kind) >= 0 ? data.kind : "log";
      var item = document.createElement("li");
      item.className = "console-" + kind;
      item.textContent = (kind === "error" ? "Error: " : kind === "warn" ? "Warning: " : "") + String(data.text).slice(0, 2000);
      list.appendChild(item);
      box.hidden = false;
      count.textContent = "(" + shown + (shown === 1 ? " message" : " messages") + ")";
      if (kind === "error") { box.open = true; }
    });
  };
  Workbench.prototype.clearPageConsole = function () {};

  // An attempt's own page: its result is fetched again until it is graded.
  function pollResult(panel) {
    function tick() {
      fetch(panel.getAttribute("data-poll"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          panel = replaceFromHtml(byId("result-panel"), data.html);
          if (panel.hasAttribute("data-poll")) { setTimeout(tick, 1000); }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 1000);
  }

  // The classroom view (web/classroom.py): watch its cohort's topic on the push channel and, when its
  // version differs from the one the panels were drawn with (an attempt of a learner in view changed,
  // perhaps while the connection was lost), swap the panels in place, keeping the scroll, the focus,
  // the sort and the opened tracks. Sort links and track toggles fetch the panels too, without a reload.
  function setUpClassroom(root) {
    var state = document.getElementById("live-state");
    var words = state.querySelector(".words");
    var timer = null, busy = false, again = false, reveal = null, live = false;
    var seen = root.getAttribute("data-version");
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
          if (live) { show(LIVE, "on"); }
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
      // The stream ends every few seconds on purpose: only 6 s without getting it back is news (and
      // every failed try to reconnect does not start those 6 s again).
      var lost = null;
      var stopped = function (text) { live = false; clearTimeout(lost); show(text, "off"); };
      watchTopic(root.getAttribute("data-events"), root.getAttribute("data-topic"), {
        open: function () {
          live = true;
          clearTimeout(lost);
          lost = null;
          show(LIVE, "on");
        },
        trouble: function () {
          live = false;
          if (lost === null) {
            lost = setTimeout(function () { show("Not live: trying to reconnect…", "off"); }, 6000);
          }
        },
        state: function (now) {
          if (now.version === seen) { return; } // what the panels show already
          seen = now.version;
          root.setAttribute("data-heard", String(Number(root.getAttribute("data-heard") || 0) + 1));
          soon();
        },
        gone: function () { stopped("Not live: this view is no longer yours to follow. Reload the page."); },
        loggedOut: function () { stopped("Not live: your session has ended. Reload the page to log in again."); }
      });
    }
    setInterval(refresh, 60000); // time passes: "no activity for a while" and "min ago" change on their own
  }

  document.addEventListener("DOMContentLoaded", function () {
    var classroom = byId("classroom");
    if (classroom) { setUpClassroom(classroom); }
    var print = document.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
    var form = byId("editor-form");
    if (form) { window.workbench = new Workbench(form); }
    var panel = document.querySelector("#result-panel[data-poll]");
    if (!form && panel) { pollResult(panel); }
    var logout = document.querySelector("form[action$='/logout']");
    if (logout) {
      // Save what is not saved yet, then forget this computer's copies of saved work: the next
      // person here finds nobody's code.
      logout.addEventListener("submit", function (event) {
        if (logout.hasAttribute("data-saved") || !window.workbench || !window.workbench.local.load()) {
          forgetAllLocalWork();
          return;
        }
        event.preventDefault();
        // What could not be saved stays on this computer, to come back when its learner logs in here.
        var go = function () {
          logout.setAttribute("data-saved", "");
          if (!window.workbench.local.load()) { forgetAllLocalWork(); }
          logout.submit();
        };
        Promise.race([window.workbench.save(), new Promise(function (done) { setTimeout(done, 3000); })]).then(go, go);
      });
    }
  });
})();

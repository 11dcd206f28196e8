// Helpers the browser check runs inside the learner's page, in an isolated world: a world with its own
// JavaScript globals, so nothing the page's scripts change (Element.prototype, getComputedStyle,
// querySelector...) reaches them. Only the document itself is shared. Evaluated as one expression.
({
  name(element) {
    let text = element.tagName.toLowerCase();
    if (element.id) return text + "#" + element.id;
    for (const name of Array.from(element.classList).slice(0, 2)) text += "." + name;
    return text;
  },

  box(element) {
    const rect = element.getBoundingClientRect();
    return { x: rect.left + window.scrollX, y: rect.top + window.scrollY, width: rect.width, height: rect.height };
  },

  // Why a user would not see `element` ("" when they would): hidden by `display`, `visibility` or
  // `opacity` (its own or an ancestor's), of no size, or placed outside the page.
  hidden(element) {
    if (!element.checkVisibility()) return "display";
    if (!element.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true })) return "visibility";
    if (!element.checkVisibility({ opacityProperty: true, checkOpacity: true })) return "opacity";
    const box = this.box(element);
    if (box.width < 1 || box.height < 1) return "size";
    const page = document.documentElement;
    if (box.x + box.width <= 0 || box.y + box.height <= 0 || box.x >= page.scrollWidth) return "outside";
    return "";
  },

  visible(element) {
    return this.hidden(element) === "";
  },

  // For every probe {selector, properties}: how many elements match, and for the first few of them
  // their name, box, visibility and the computed values of the properties asked for.
  facts(probes, perSelector, htmlCap) {
    const elements = {};
    for (const probe of probes) {
      let found;
      try {
        found = document.querySelectorAll(probe.selector);
      } catch (error) {
        elements[probe.selector] = { count: 0, items: [], invalid: true };
        continue;
      }
      const items = Array.from(found).slice(0, perSelector).map((element) => {
        const computed = window.getComputedStyle(element);
        const style = {};
        for (const property of probe.properties) style[property] = computed.getPropertyValue(property);
        return { name: this.name(element), box: this.box(element), hidden: this.hidden(element), style };
      });
      elements[probe.selector] = { count: found.length, items };
    }
    const page = document.documentElement;
    const doctype = document.doctype ? "<!DOCTYPE " + document.doctype.name + ">\n" : "";
    return {
      viewport: { width: page.clientWidth, height: window.innerHeight },
      page: { width: page.scrollWidth, height: page.scrollHeight },
      elements,
      html: (doctype + page.outerHTML).slice(0, htmlCap),
    };
  },

  // Where a user would click `selector`: its centre once scrolled into view, or why they cannot.
  locate(selector) {
    const element = document.querySelector(selector);
    if (!element) return { problem: "missing" };
    element.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    if (!this.visible(element)) return { problem: "hidden" };
    const rect = element.getBoundingClientRect();
    const x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    const top = document.elementFromPoint(x, y);
    if (top && top !== element && !element.contains(top) && !top.contains(element)) {
      return { problem: "covered", by: this.name(top) };
    }
    return { x, y };
  },

  // The actions done the way a script would: fill, select, check, submit, focus; and for the dom
  // check, click (the element's click()) and press (keydown, keypress, keyup of `value`, the key).
  act(verb, selector, value) {
    const element = document.querySelector(selector);
    if (!element) return "missing";
    if (verb === "click") {
      element.click();
    } else if (verb === "press") {
      for (const type of ["keydown", "keypress", "keyup"]) {
        element.dispatchEvent(new KeyboardEvent(type, { key: value, bubbles: true }));
      }
    } else if (verb === "fill" || verb === "select") {
      if (element.focus) element.focus();
      element.value = value;
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (verb === "check") {
      if (!element.checked) element.click();
    } else if (verb === "submit") {
      const form = element.tagName === "FORM" ? element : element.form || element.closest("form");
      if (!form) return "no-form";
      form.requestSubmit();
    } else if (verb === "focus") {
      if (element.focus) element.focus();
    }
    return null;
  },

  exists(selector) {
    return document.querySelector(selector) !== null;
  },

  // What a page keeps in its tab between loads, which clearing its origin's storage leaves; cleared
  // now, and again as the page is left: these listeners come after every one the page added, so what
  // its own pagehide or unload handlers write is cleared too.
  forget() {
    const clear = () => {
      try {
        sessionStorage.clear();
        localStorage.clear();
      } catch (error) {
        // a page at about:blank, or one whose storage is disabled, has nothing to forget
      }
      window.name = "";
    };
    clear();
    for (const type of ["pagehide", "visibilitychange", "unload"]) {
      addEventListener(type, clear);
    }
  },

  // The whole document as HTML, as a parser would read it back (the doctype and <html> on one line).
  snapshot(htmlCap) {
    const doctype = document.doctype ? "<!DOCTYPE " + document.doctype.name + ">" : "";
    return (doctype + document.documentElement.outerHTML).slice(0, htmlCap);
  },

  // Let the page react: one frame, then its pending timers of zero delay; web fonts loaded.
  async settle() {
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    await Promise.race([document.fonts.ready, new Promise((resolve) => setTimeout(resolve, 500))]);
  },

  // Transitions and animations jump to their end, so that styles and pictures do not depend on timing.
  finishAnimations() {
    for (const animation of document.getAnimations()) {
      try {
        animation.finish();
      } catch (error) {
        // an infinite animation cannot finish: it stays as it is
      }
    }
  },
})

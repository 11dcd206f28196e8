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
  // their name, box, visibility and the computed values of the properties asked for. A probe may ask
  // for more (the css and html checks do): `state: "focus"` reads each element while it has the focus;
  // `typed` adds the computed values before layout (`100%` stays `100%`); `declared` says, per property,
  // whether one of the page's own rules sets it on the element; `context` adds the font sizes and the
  // width that relative values are measured against; `text` adds the text the browser shows.
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
      const chosen = Array.from(found).slice(0, perSelector);
      const items = probe.state === "focus"
        ? chosen.map((element) => this.whileFocused(element, () => this.describe(element, probe, [element])[0]))
        : this.describe(chosen, probe);
      elements[this.probeKey(probe)] = { count: found.length, items };
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

  // Where a probe's facts are reported: its selector, with its state when it has one.
  probeKey(probe) {
    return probe.state ? probe.selector + " @" + probe.state : probe.selector;
  },

  describe(chosen, probe, only) {
    const list = only || chosen;
    const declared = {};
    for (const property of probe.declared || []) declared[property] = this.declared(list, property);
    return list.map((element, index) => {
      const computed = window.getComputedStyle(element);
      const style = {};
      for (const property of probe.properties || []) style[property] = computed.getPropertyValue(property);
      const item = { name: this.name(element), box: this.box(element), hidden: this.hidden(element), style };
      if (probe.typed) item.typed = this.typed(element, probe.properties || []);
      if (probe.declared) {
        item.declared = {};
        for (const property of probe.declared) item.declared[property] = declared[property][index];
      }
      if (probe.context) item.context = this.context(element);
      if (probe.text) item.text = (element.innerText || "").slice(0, 2000);
      return item;
    });
  },

  whileFocused(element, read) {
    const before = document.activeElement;
    if (element.focus) element.focus({ preventScroll: true, focusVisible: true });
    try {
      return read();
    } finally {
      if (element.blur) element.blur();
      if (before && before !== element && before.focus) before.focus({ preventScroll: true });
    }
  },

  // Computed values as CSS keeps them before layout (`width: 100%` stays "100%", `line-height: 1.5`
  // stays "1.5"), where the browser can say.
  typed(element, properties) {
    const values = {};
    let map = null;
    try {
      map = element.computedStyleMap();
    } catch (error) {
      return values;
    }
    for (const property of properties) {
      try {
        const value = map.get(property);
        if (value !== null && value !== undefined) values[property] = String(value);
      } catch (error) {
        // a property the typed model does not know: the resolved value is all there is
      }
    }
    return values;
  },

  // Whether one of the page's own rules (a stylesheet it uses, a <style>, a style attribute) sets
  // `property` on each element, whatever the value. The page's rules cannot be read from a file:
  // page, so this asks the cascade instead: a rule of ours for every element, in a layer that every
  // rule of the page outranks, gives the property one value and then another. Where the element's
  // value follows ours, no rule of the page set it; where it stays the same, one did.
  declared(elements, property) {
    const tries = ["initial", "inherit", "none", "auto", "rgb(1, 2, 3)", "1234.5px", "7", "hidden", "center"];
    const valid = tries.filter((value) => value === "initial" || value === "inherit" || CSS.supports(property, value));
    const seen = elements.map(() => new Set());
    const style = document.createElement("style");
    const parent = document.head || document.documentElement;
    for (const value of valid) {
      style.textContent = "@layer grader-probe { * { " + property + ": " + value + " } }";
      parent.insertBefore(style, parent.firstChild);
      elements.forEach((element, index) => seen[index].add(window.getComputedStyle(element).getPropertyValue(property)));
      style.remove();
      if (seen.every((values) => values.size > 1)) break;
    }
    return seen.map((values) => values.size === 1);
  },

  // What relative values of `element` are measured against: its font size, its parent's and the
  // root's (em, %, rem), and the width and height of the box around it (percentages of lengths).
  context(element) {
    const size = (node) => (node ? parseFloat(window.getComputedStyle(node).fontSize) || 16 : 16);
    const around = element.parentElement || document.documentElement;
    const style = window.getComputedStyle(around);
    const inner = (box, start, end) => box - (parseFloat(style[start]) || 0) - (parseFloat(style[end]) || 0);
    return {
      font_size: size(element),
      parent_font_size: size(element.parentElement),
      root_font_size: size(document.documentElement),
      basis_width: inner(around.clientWidth, "paddingLeft", "paddingRight"),
      basis_height: inner(around.clientHeight, "paddingTop", "paddingBottom"),
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

// The learner's code editor: CodeMirror 6 over each `textarea.editor` of a page. Bundled by
// frontend/build.mjs into web/static/editor/editor.js. The textarea stays in the form (hidden) and
// always holds the editor's text, so the form, autosave and the no-script fallback see one value.
// web/static/app.js drives it through `window.CodeEditor.attach(textarea, options)`.
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { css } from "@codemirror/lang-css";
import { html } from "@codemirror/lang-html";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting,
} from "@codemirror/language";
import { EditorSelection, EditorState, RangeSet, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration, drawSelection, EditorView, gutter, GutterMarker, highlightActiveLine,
  highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

// Colours chosen for at least 4.5:1 contrast on the editor's background (#0f1720).
const palette = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.operatorKeyword, t.definitionKeyword, t.moduleKeyword], color: "#ff8f87" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "#a5d6ff" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#9ba6b3", fontStyle: "italic" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "#79c0ff" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))], color: "#d2a8ff" },
  { tag: [t.className, t.typeName, t.definition(t.typeName)], color: "#ffa657" },
  { tag: [t.tagName, t.angleBracket], color: "#7ee787" },
  { tag: [t.attributeName, t.propertyName], color: "#79c0ff" },
  { tag: t.attributeValue, color: "#a5d6ff" },
  { tag: [t.self, t.special(t.variableName)], color: "#ffa657" },
  { tag: t.invalid, color: "#ffb4ab", textDecoration: "underline wavy" },
]);

const theme = EditorView.theme({
  "&": { color: "#e6edf3", backgroundColor: "#0f1720", borderRadius: "8px", fontSize: "var(--editor-font-size, 15px)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5", minHeight: "12em", maxHeight: "70vh" },
  ".cm-content": { caretColor: "#ffffff", padding: "0.5rem 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "#ffffff", borderLeftWidth: "2px" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "#2f4a78" },
  ".cm-gutters": { backgroundColor: "#0f1720", color: "#9ba6b3", borderRight: "1px solid #2a3644" },
  ".cm-activeLine": { backgroundColor: "#17222e" },
  ".cm-activeLineGutter": { backgroundColor: "#17222e", color: "#e6edf3" },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: "#3b5a3b", outline: "1px solid #7ee787" },
  "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: "#6b2a2a" },
  ".cm-error-line": { backgroundColor: "#3a1d22" },
  ".cm-target-line": { backgroundColor: "#4a3d10", outline: "2px solid #f5b400" },
  ".cm-error-gutter": { width: "1.3em" },
  ".cm-error-marker": { color: "#ff8f87", fontWeight: "700", cursor: "default", paddingLeft: "0.2em" },
}, { dark: true });

function languageFor(path) {
  const ext = (path.split(".").pop() || "").toLowerCase();
  if (ext === "py") return [python(), indentUnit.of("    ")];
  if (ext === "html" || ext === "htm") return [html({ autoCloseTags: true }), indentUnit.of("  ")];
  if (ext === "css") return [css(), indentUnit.of("  ")];
  if (ext === "js" || ext === "mjs" || ext === "json") return [javascript(), indentUnit.of("  ")];
  return [indentUnit.of("    ")];
}

// Errors of the last result: a gutter marker and a tinted line, each with its message.
const setErrors = StateEffect.define();
const setTarget = StateEffect.define();

class ErrorMarker extends GutterMarker {
  constructor(message) { super(); this.message = message; }
  eq(other) { return other.message === this.message; }
  toDOM() {
    const mark = document.createElement("span");
    mark.className = "cm-error-marker";
    mark.textContent = "●";
    mark.title = this.message;
    mark.setAttribute("aria-label", "Error: " + this.message);
    return mark;
  }
}

function lineRanges(state, items, build) {
  const ranges = [];
  const seen = new Set();
  for (const item of items) {
    if (item.line < 1 || item.line > state.doc.lines || seen.has(item.line)) continue;
    seen.add(item.line);
    ranges.push(build(item).range(state.doc.line(item.line).from));
  }
  ranges.sort((a, b) => a.from - b.from);
  return RangeSet.of(ranges);
}

const errorField = StateField.define({
  create: () => ({ markers: RangeSet.empty, lines: Decoration.none }),
  update(value, tr) {
    let { markers, lines } = value;
    markers = markers.map(tr.changes);
    lines = lines.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setErrors)) {
        markers = lineRanges(tr.state, effect.value, (item) => new ErrorMarker(item.message));
        lines = lineRanges(tr.state, effect.value, () => Decoration.line({ class: "cm-error-line" }));
      }
    }
    return { markers, lines };
  },
  provide: (field) => EditorView.decorations.from(field, (value) => value.lines),
});

const targetField = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setTarget)) {
        value = effect.value === null ? Decoration.none
          : lineRanges(tr.state, [{ line: effect.value }], () => Decoration.line({ class: "cm-target-line" }));
      }
    }
    return value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const errorGutter = gutter({
  class: "cm-error-gutter",
  markers: (view) => view.state.field(errorField).markers,
});

function attach(textarea, options) {
  options = options || {};
  const path = textarea.getAttribute("data-path") || "";
  const onChange = options.onChange || function () {};
  const contentAttributes = { "aria-multiline": "true" };
  if (options.labelledBy) contentAttributes["aria-labelledby"] = options.labelledBy;
  if (options.describedBy) contentAttributes["aria-describedby"] = options.describedBy;
  const state = EditorState.create({
    doc: textarea.value,
    extensions: [
      lineNumbers(),
      errorGutter,
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      highlightActiveLine(),
      syntaxHighlighting(palette),
      EditorState.tabSize.of(4),
      keymap.of([...(options.keys || []), ...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
      languageFor(path),
      errorField,
      targetField,
      theme,
      EditorView.contentAttributes.of(contentAttributes),
      EditorView.cspNonce.of(options.nonce || ""),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          textarea.value = update.state.doc.toString();
          onChange(textarea.value);
        }
        const targeted = update.transactions.some((tr) => tr.effects.some((e) => e.is(setTarget)));
        if ((update.docChanged || update.selectionSet) && !targeted && update.state.field(targetField).size) {
          update.view.dispatch({ effects: setTarget.of(null) });  // the mark stays until the learner moves on
        }
      }),
    ],
  });
  const view = new EditorView({ state });
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  textarea.setAttribute("data-enhanced", "true");

  return {
    path,
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
    // Put the cursor at the start of `line` (1-based), scroll there and mark it until the next edit.
    gotoLine(line) {
      const number = Math.max(1, Math.min(line, view.state.doc.lines));
      const at = view.state.doc.line(number);
      view.dispatch({
        selection: EditorSelection.cursor(at.from + (at.text.length - at.text.trimStart().length)),
        effects: [setTarget.of(number), EditorView.scrollIntoView(at.from, { y: "center" })],
      });
      view.focus();
    },
    // [{line, message}] of the last result, shown in the gutter; [] clears them.
    markErrors(items) {
      view.dispatch({ effects: setErrors.of(items || []) });
    },
  };
}

window.CodeEditor = { attach, version: 1 };

/** A one-line text field: editing keys in, text and cursor out, drawn with a visible cursor. */
import { type ColorLevel, paint } from "../../text/color.ts";
import type { KeyEvent } from "../terminal/keys.ts";
import { charWidth } from "../../text/layout.ts";

/** The text being edited and where the cursor is (0..text.length, in UTF-16 units). */
export interface TextField {
  text: string;
  cursor: number;
}

/**
 * A field holding `text` with the cursor at its end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textField } from "./text_input.ts";
 *
 * assert.deepEqual(textField("7.png"), { text: "7.png", cursor: 5 });
 * ```
 */
export function textField(text = ""): TextField {
  return { text, cursor: text.length };
}

/**
 * Applies an editing key: printable characters insert; Backspace/Delete, Left/Right, Home/End,
 * Ctrl-A/E (start/end), Ctrl-U (delete to start), Ctrl-K (to end), Ctrl-W (the word before).
 * Returns the new field, or undefined when the key is not an editing key (Enter, Tab, Up...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { editField, textField } from "./text_input.ts";
 *
 * const c = { type: "key", key: "c", sequence: "c", ctrl: false, alt: false, shift: false } as const;
 * assert.deepEqual(editField(textField("ab"), c), { text: "abc", cursor: 3 });
 * assert.deepEqual(editField(textField("a/b"), { ...c, key: "w", ctrl: true }), {
 *   text: "a/",
 *   cursor: 2,
 * });
 * assert.equal(editField(textField("ab"), { ...c, key: "enter", sequence: "\r" }), undefined);
 * ```
 */
export function editField(field: TextField, event: KeyEvent): TextField | undefined {
  const { text, cursor } = field;
  const at = (t: string, c: number) => ({ text: t, cursor: c });
  if (event.ctrl) {
    switch (event.key) {
      case "a":
        return at(text, 0);
      case "e":
        return at(text, text.length);
      case "u":
        return at(text.slice(cursor), 0);
      case "k":
        return at(text.slice(0, cursor), cursor);
      case "w": {
        const before = text.slice(0, cursor).replace(/[^\s/]*[\s/]*$/, "");
        // Stop after a slash, like shells do for paths: "a/b/c" -> "a/b/".
        const start = before.length === cursor ? 0 : before.length;
        return at(text.slice(0, start) + text.slice(cursor), start);
      }
      case "left":
        return at(text, wordStart(text, cursor));
      case "right":
        return at(text, wordEnd(text, cursor));
    }
    return undefined;
  }
  switch (event.key) {
    case "backspace":
      if (cursor === 0) return field;
      return at(text.slice(0, cursor - 1) + text.slice(cursor), cursor - 1);
    case "delete":
      return at(text.slice(0, cursor) + text.slice(cursor + 1), cursor);
    case "left":
      return at(text, Math.max(0, cursor - 1));
    case "right":
      return at(text, Math.min(text.length, cursor + 1));
    case "home":
      return at(text, 0);
    case "end":
      return at(text, text.length);
  }
  // Printable: a single character, or a pasted run of them (no control characters).
  const typed = event.sequence;
  if (event.alt || typed.length === 0 || hasControl(typed)) return undefined;
  if (event.key.length > 1 && event.key !== typed) return undefined; // a named key
  return at(text.slice(0, cursor) + typed + text.slice(cursor), cursor + typed.length);
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function wordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /[\s/._-]/.test(text[i - 1])) i--;
  while (i > 0 && !/[\s/._-]/.test(text[i - 1])) i--;
  return i;
}

function wordEnd(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && /[\s/._-]/.test(text[i])) i++;
  while (i < text.length && !/[\s/._-]/.test(text[i])) i++;
  return i;
}

/**
 * The field in `width` columns, scrolled so the cursor shows. The cursor is a reverse-video
 * cell when the field has focus (a `▏` mark without color); unfocused fields show plain text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderField, textField } from "./text_input.ts";
 *
 * assert.equal(renderField(textField("digits/7.png"), 20, true, "none"), "digits/7.png▏");
 * assert.equal(renderField(textField("digits/7.png"), 8, true, "none"), "…/7.png▏");
 * ```
 */
export function renderField(
  field: TextField,
  width: number,
  focused: boolean,
  color: ColorLevel,
): string {
  const c = paint(color);
  const chars = [...field.text];
  const widths = chars.map((char) => charWidth(char.codePointAt(0)!));
  const cursor = [...field.text.slice(0, field.cursor)].length; // in code points
  // Without color the cursor is an extra `▏`; with color it covers a character (or a space
  // at the end). Either way it needs one cell of its own when at the end.
  const cursorCell = focused && (color === "none" || cursor === chars.length) ? 1 : 0;
  // Scroll: the first character shown is the earliest that still lets the cursor show.
  let start = 0;
  const span = (from: number) => widths.slice(from, cursor).reduce((a, b) => a + b, 0);
  while (start < cursor && span(start) + cursorCell + (start > 0 ? 1 : 0) > width) start++;
  let out = start > 0 ? "…" : "";
  let used = start > 0 ? 1 : 0;
  for (let i = start; i <= chars.length; i++) {
    if (focused && i === cursor) {
      if (color === "none") {
        if (used + 1 > width) break;
        out += "▏";
        used++;
      } else {
        const char = chars[i] ?? " ";
        if (used + (widths[i] ?? 1) > width) break;
        out += c.inverse(char);
        used += widths[i] ?? 1;
        continue;
      }
    }
    if (i === chars.length || used + widths[i] > width) break;
    out += chars[i];
    used += widths[i];
  }
  return out;
}

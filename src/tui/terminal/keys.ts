// Terminal input is made of control characters; matching them is the point.
// deno-lint-ignore-file no-control-regex

/** A key press. */
export interface KeyEvent {
  type: "key";
  /**
   * The character for printable keys ("a", "A", "7", " ", "é"), the lowercase letter for Ctrl
   * combinations (Ctrl-C is `{ key: "c", ctrl: true }`), else a name: "enter", "escape", "tab",
   * "backspace", "delete", "insert", "up", "down", "left", "right", "home", "end", "pageup",
   * "pagedown", "f1".."f12", "focusin", "focusout", or "unknown" for sequences we do not know.
   */
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  /** The raw text the terminal sent. */
  sequence: string;
}

/** A mouse report (SGR 1006 or legacy X10 encoding). Coordinates are 0-based cells. */
export interface MouseEvent {
  type: "mouse";
  /** "drag" is motion with a button held; "move" is motion without one (mode 1003 only). */
  action: "press" | "release" | "drag" | "move" | "wheel";
  /** Which button; "none" for wheel and plain motion. */
  button: "left" | "middle" | "right" | "none";
  /** Wheel direction, for action "wheel". */
  direction?: "up" | "down" | "left" | "right";
  x: number;
  y: number;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

/** Everything that can come out of the terminal's input. */
export type InputEvent = KeyEvent | MouseEvent;

const CSI = /^\x1b\[([0-?]*)([ -/]*)([@-~])/;
const CSI_PREFIX = /^\x1b\[[0-?]*[ -/]*$/;
const SGR_MOUSE = /^\x1b\[<(\d+);(\d+);(\d+)([Mm])/;
const SGR_MOUSE_PREFIX = /^\x1b\[<[\d;]*$/;

const CSI_LETTER_KEYS: Record<string, string> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  E: "clear",
  P: "f1",
  Q: "f2",
  R: "f3",
  S: "f4",
};
const SS3_KEYS: Record<string, string> = { ...CSI_LETTER_KEYS, M: "enter" };
const TILDE_KEYS: Record<number, string> = {
  1: "home",
  2: "insert",
  3: "delete",
  4: "end",
  5: "pageup",
  6: "pagedown",
  7: "home",
  8: "end",
  11: "f1",
  12: "f2",
  13: "f3",
  14: "f4",
  15: "f5",
  17: "f6",
  18: "f7",
  19: "f8",
  20: "f9",
  21: "f10",
  23: "f11",
  24: "f12",
};
const BUTTONS = ["left", "middle", "right", "none"] as const;
const WHEEL = ["up", "down", "left", "right"] as const;

/**
 * Turns raw terminal input (bytes from stdin in raw mode) into key and mouse events. It keeps
 * a buffer, so an escape sequence or UTF-8 character split across chunks comes out whole, and
 * one chunk may yield several events.
 *
 * A lone ESC byte is ambiguous: the Escape key, or the start of a sequence whose rest has not
 * arrived yet. The parser keeps it and reports `pending`; the caller waits a short time (say
 * 30 ms) for more input and calls `flush()` if none came, which turns it into Escape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeyParser } from "./keys.ts";
 *
 * const parser = new KeyParser();
 * // "q", the up arrow and a left click at column 5, row 3 (SGR mouse, 1-based) in one chunk.
 * const events = parser.feed(new TextEncoder().encode("q\x1b[A\x1b[<0;5;3M"));
 * assert.deepEqual(events.map((e) => e.type === "key" ? e.key : `${e.action} ${e.x},${e.y}`), [
 *   "q",
 *   "up",
 *   "press 4,2", // 0-based
 * ]);
 * // A lone ESC waits for more; with nothing after it, flush() makes it the Escape key.
 * assert.deepEqual(parser.feed("\x1b"), []);
 * assert.equal(parser.pending, true);
 * const [escape] = parser.flush();
 * assert.equal(escape.type === "key" && escape.key, "escape");
 * ```
 */
export class KeyParser {
  #buffer = "";
  readonly #decoder = new TextDecoder();

  /** True when input is held back waiting for the rest of a sequence (see `flush`). */
  get pending(): boolean {
    return this.#buffer.length > 0;
  }

  /** Adds a chunk of input and returns the events that are complete so far. */
  feed(chunk: Uint8Array | string): InputEvent[] {
    this.#buffer += typeof chunk === "string"
      ? chunk
      : this.#decoder.decode(chunk, { stream: true });
    return this.#parse(false);
  }

  /** Gives up waiting: held-back input becomes Escape (or Alt+key) and plain keys. */
  flush(): InputEvent[] {
    return this.#parse(true);
  }

  #parse(final: boolean): InputEvent[] {
    const events: InputEvent[] = [];
    const text = this.#buffer;
    let i = 0;
    while (i < text.length) {
      const taken = parseOne(text.slice(i), final, events);
      if (taken === 0) break; // an incomplete sequence: wait for more input
      i += taken;
    }
    this.#buffer = text.slice(i);
    return events;
  }
}

/**
 * Parses one event from the start of `text`, pushing it to `events`; returns how many UTF-16
 * units it used, or 0 when `text` is the beginning of a sequence that has not fully arrived.
 */
function parseOne(text: string, final: boolean, events: InputEvent[]): number {
  if (text[0] !== "\x1b") {
    const char = String.fromCodePoint(text.codePointAt(0)!);
    events.push(singleKey(char));
    return char.length;
  }
  if (text.length === 1) {
    if (!final) return 0;
    events.push(key("escape", "\x1b"));
    return 1;
  }
  const next = text[1];
  if (next === "[") {
    const taken = parseCsi(text, events);
    if (taken > 0) return taken;
    if (!final && (CSI_PREFIX.test(text) || SGR_MOUSE_PREFIX.test(text) || isPartialX10(text))) {
      return 0;
    }
  } else if (next === "O") {
    if (text.length < 3) {
      if (!final) return 0;
    } else {
      const name = SS3_KEYS[text[2]];
      events.push(key(name ?? "unknown", text.slice(0, 3)));
      return 3;
    }
  } else if (next === "\x1b") {
    events.push(key("escape", "\x1b"));
    return 1;
  }
  // ESC followed by a character is how terminals send Alt+key.
  const char = String.fromCodePoint(text.codePointAt(1)!);
  const event = singleKey(char);
  events.push({ ...event, alt: true, sequence: "\x1b" + char });
  return 1 + char.length;
}

/** Parses a CSI sequence (`ESC [ ...`) at the start of text; 0 if it is not complete. */
function parseCsi(text: string, events: InputEvent[]): number {
  const sgr = SGR_MOUSE.exec(text);
  if (sgr) {
    events.push(
      mouse(Number(sgr[1]), Number(sgr[2]) - 1, Number(sgr[3]) - 1, sgr[4] === "m"),
    );
    return sgr[0].length;
  }
  if (text.startsWith("\x1b[<")) return 0;
  // Legacy X10 mouse: ESC [ M and three bytes, each value + 32.
  if (text.startsWith("\x1b[M")) {
    if (text.length < 6) return 0;
    const b = text.charCodeAt(3) - 32;
    const x = text.charCodeAt(4) - 33;
    const y = text.charCodeAt(5) - 33;
    // X10 reports every release as button 3 ("none"): it does not say which one was let go.
    events.push(mouse(b, x, y, (b & 3) === 3 && (b & 96) === 0));
    return 6;
  }
  const match = CSI.exec(text);
  if (!match) return 0;
  const [sequence, paramText, , finalByte] = match;
  const params = paramText.split(";").map((p) => Number.parseInt(p, 10));
  const modifier = Number.isFinite(params[1]) ? params[1] - 1 : 0;
  let name: string | undefined;
  if (finalByte === "~") name = TILDE_KEYS[params[0]];
  else if (finalByte === "Z") name = "tab";
  else if (paramText === "" && finalByte === "I") name = "focusin";
  else if (paramText === "" && finalByte === "O") name = "focusout";
  else name = CSI_LETTER_KEYS[finalByte];
  const event = key(name ?? "unknown", sequence);
  if (name === undefined) {
    events.push(event); // e.g. a terminal's reply to a query: its numbers are no modifiers
    return sequence.length;
  }
  event.shift = finalByte === "Z" || (modifier & 1) !== 0;
  event.alt = (modifier & 2) !== 0 || (modifier & 8) !== 0;
  event.ctrl = (modifier & 4) !== 0;
  events.push(event);
  return sequence.length;
}

function isPartialX10(text: string): boolean {
  return text.startsWith("\x1b[M") && text.length < 6;
}

/** Decodes the button byte of a mouse report (SGR numbering). */
function mouse(b: number, x: number, y: number, released: boolean): MouseEvent {
  const modifiers = { shift: (b & 4) !== 0, alt: (b & 8) !== 0, ctrl: (b & 16) !== 0 };
  const low = b & 3;
  const position = { x: Math.max(0, x), y: Math.max(0, y) };
  if (b & 64) {
    return {
      type: "mouse",
      action: "wheel",
      button: "none",
      direction: WHEEL[low],
      ...position,
      ...modifiers,
    };
  }
  const button = BUTTONS[low];
  if (b & 32) {
    const action = button === "none" ? "move" : "drag";
    return { type: "mouse", action, button, ...position, ...modifiers };
  }
  return {
    type: "mouse",
    action: released ? "release" : "press",
    button,
    ...position,
    ...modifiers,
  };
}

/** A key event from one character (not part of an escape sequence). */
function singleKey(char: string): KeyEvent {
  const code = char.codePointAt(0)!;
  if (char === "\r" || char === "\n") return key("enter", char);
  if (char === "\t") return key("tab", char);
  if (char === "\x7f" || char === "\b") return key("backspace", char);
  if (code === 0) return { ...key(" ", char), ctrl: true };
  if (code < 27) return { ...key(String.fromCharCode(code + 96), char), ctrl: true };
  if (code < 32) return { ...key(String.fromCharCode(code + 64), char), ctrl: true };
  return { ...key(char, char), shift: char !== char.toLowerCase() };
}

function key(name: string, sequence: string): KeyEvent {
  return { type: "key", key: name, ctrl: false, alt: false, shift: false, sequence };
}

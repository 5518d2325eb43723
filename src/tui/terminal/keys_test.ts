import assert from "node:assert/strict";
import { type InputEvent, KeyParser } from "./keys.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => new KeyParser().feed(bytes(text));
/** Compact view of events for readable expectations. */
const names = (events: InputEvent[]) =>
  events.map((e) =>
    e.type === "key"
      ? [e.ctrl ? "C-" : "", e.alt ? "M-" : "", e.shift ? "S-" : "", e.key].join("")
      : `${e.action}:${e.button}${e.direction ? ":" + e.direction : ""}@${e.x},${e.y}`
  );

Deno.test("printable keys, including multi-byte and astral characters", () => {
  assert.deepEqual(names(parse("aZ7 é数😀")), ["a", "S-Z", "7", " ", "é", "数", "😀"]);
  const [event] = parse("q");
  assert.deepEqual(event, {
    type: "key",
    key: "q",
    ctrl: false,
    alt: false,
    shift: false,
    sequence: "q",
  });
});

Deno.test("control keys: Enter, Tab, Backspace, Ctrl-C, Ctrl-D and other Ctrl letters", () => {
  assert.deepEqual(names(parse("\r\n\t\x7f\b")), [
    "enter",
    "enter",
    "tab",
    "backspace",
    "backspace",
  ]);
  assert.deepEqual(names(parse("\x03\x04\x01\x1a\x00")), ["C-c", "C-d", "C-a", "C-z", "C- "]);
});

Deno.test("arrows, Home/End, PgUp/PgDn, Delete, Insert, F-keys in CSI and SS3 forms", () => {
  assert.deepEqual(names(parse("\x1b[A\x1b[B\x1b[C\x1b[D")), ["up", "down", "right", "left"]);
  assert.deepEqual(names(parse("\x1bOA\x1bOB\x1bOC\x1bOD")), ["up", "down", "right", "left"]);
  assert.deepEqual(names(parse("\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[7~\x1b[8~\x1bOH\x1bOF")), [
    "home",
    "end",
    "home",
    "end",
    "home",
    "end",
    "home",
    "end",
  ]);
  assert.deepEqual(names(parse("\x1b[5~\x1b[6~\x1b[3~\x1b[2~")), [
    "pageup",
    "pagedown",
    "delete",
    "insert",
  ]);
  assert.deepEqual(names(parse("\x1bOP\x1b[15~\x1b[24~")), ["f1", "f5", "f12"]);
});

Deno.test("modifiers on special keys: Ctrl/Alt/Shift arrows, Shift-Tab, Alt+letter", () => {
  assert.deepEqual(names(parse("\x1b[1;5A\x1b[1;3D\x1b[1;2C\x1b[3;5~\x1b[Z")), [
    "C-up",
    "M-left",
    "S-right",
    "C-delete",
    "S-tab",
  ]);
  assert.deepEqual(names(parse("\x1bx\x1b\x7f\x1b\r")), ["M-x", "M-backspace", "M-enter"]);
});

Deno.test("a lone Esc waits for more input; flush() turns it into the Escape key", () => {
  const parser = new KeyParser();
  assert.deepEqual(parser.feed(bytes("\x1b")), []);
  assert.equal(parser.pending, true);
  assert.deepEqual(names(parser.flush()), ["escape"]);
  assert.equal(parser.pending, false);
  // Two Escapes in a row: the first is complete at once.
  assert.deepEqual(names(parser.feed(bytes("\x1b\x1b"))), ["escape"]);
  assert.deepEqual(names(parser.flush()), ["escape"]);
  // Escape followed by a key in the same chunk means Alt+key, as terminals send it.
  assert.deepEqual(names(parser.feed(bytes("\x1bq"))), ["M-q"]);
  // An abandoned sequence start is flushed as Alt+[ and plain keys, never lost.
  assert.deepEqual(parser.feed(bytes("\x1b[1;")), []);
  assert.deepEqual(names(parser.flush()), ["M-[", "1", ";"]);
});

Deno.test("several events in one chunk", () => {
  assert.deepEqual(names(parse("ab\x1b[A\rq\x1b[<0;1;1M\x1b[<0;1;1m\x03")), [
    "a",
    "b",
    "up",
    "enter",
    "q",
    "press:left@0,0",
    "release:left@0,0",
    "C-c",
  ]);
});

Deno.test("sequences and UTF-8 characters split across chunks reassemble", () => {
  const full = "x\x1b[1;5A\x1b[<32;10;5M\x1bOPé😀\x1b[6~";
  const expected = names(parse(full));
  assert.deepEqual(expected, ["x", "C-up", "drag:left@9,4", "f1", "é", "😀", "pagedown"]);
  const encoded = bytes(full);
  // Every way to cut the input in two, and byte by byte.
  for (let cut = 1; cut < encoded.length; cut++) {
    const parser = new KeyParser();
    const events = [
      ...parser.feed(encoded.subarray(0, cut)),
      ...parser.feed(encoded.subarray(cut)),
    ];
    assert.deepEqual(names(events), expected, `cut at byte ${cut}`);
  }
  const parser = new KeyParser();
  const events = Array.from(encoded).flatMap((b) => parser.feed(new Uint8Array([b])));
  assert.deepEqual(names(events), expected);
  assert.equal(parser.pending, false);
});

Deno.test("SGR mouse: press, drag, release with 1-based cells converted to 0-based", () => {
  // A stroke on a drawing canvas: press at column 10 row 5, drag right and down, release.
  const events = parse(
    "\x1b[<0;10;5M\x1b[<32;11;5M\x1b[<32;12;6M\x1b[<32;12;7M\x1b[<0;12;7m",
  );
  assert.deepEqual(names(events), [
    "press:left@9,4",
    "drag:left@10,4",
    "drag:left@11,5",
    "drag:left@11,6",
    "release:left@11,6",
  ]);
  assert.deepEqual(events[1], {
    type: "mouse",
    action: "drag",
    button: "left",
    x: 10,
    y: 4,
    ctrl: false,
    alt: false,
    shift: false,
  });
});

Deno.test("SGR mouse: other buttons, wheel, plain motion, modifiers, large coordinates", () => {
  assert.deepEqual(names(parse("\x1b[<1;3;4M\x1b[<2;3;4M\x1b[<34;5;5M\x1b[<2;5;5m")), [
    "press:middle@2,3",
    "press:right@2,3",
    "drag:right@4,4",
    "release:right@4,4",
  ]);
  assert.deepEqual(names(parse("\x1b[<64;20;10M\x1b[<65;20;10M\x1b[<35;1;1M")), [
    "wheel:none:up@19,9",
    "wheel:none:down@19,9",
    "move:none@0,0",
  ]);
  const [ctrlClick] = parse("\x1b[<16;300;200M");
  assert.ok(ctrlClick.type === "mouse" && ctrlClick.ctrl && !ctrlClick.shift && !ctrlClick.alt);
  assert.equal(ctrlClick.type === "mouse" && ctrlClick.x, 299);
  const [shiftAltDrag] = parse("\x1b[<44;2;2M");
  assert.ok(shiftAltDrag.type === "mouse" && shiftAltDrag.shift && shiftAltDrag.alt);
  assert.equal(shiftAltDrag.type === "mouse" && shiftAltDrag.action, "drag");
});

Deno.test("legacy X10 mouse reports are decoded too", () => {
  // ESC [ M, then button+32, column+32, row+32 (1-based).
  const press = "\x1b[M" + String.fromCharCode(32, 33 + 4, 33 + 2);
  const release = "\x1b[M" + String.fromCharCode(35, 33 + 4, 33 + 2);
  assert.deepEqual(names(parse(press + release)), ["press:left@4,2", "release:none@4,2"]);
});

Deno.test("unknown sequences become one 'unknown' key and do not derail parsing", () => {
  const events = parse("\x1b[99~\x1b[200~a\x1b[?1;2cb");
  assert.deepEqual(names(events), ["unknown", "unknown", "a", "unknown", "b"]);
  assert.equal(events[0].type === "key" && events[0].sequence, "\x1b[99~");
  assert.deepEqual(names(parse("\x1b[I\x1b[O")), ["focusin", "focusout"]);
});

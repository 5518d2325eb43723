import assert from "node:assert/strict";
import { detectColorLevel, graySgr, paint } from "./color.ts";

const environment = (vars: Record<string, string>, isTerminal = true) => ({
  env: (name: string) => vars[name],
  isTerminal,
});

Deno.test("detectColorLevel: NO_COLOR, TERM=dumb and pipes give no color", () => {
  assert.equal(detectColorLevel(environment({ NO_COLOR: "1", COLORTERM: "truecolor" })), "none");
  assert.equal(detectColorLevel(environment({ TERM: "dumb", COLORTERM: "truecolor" })), "none");
  assert.equal(detectColorLevel(environment({ COLORTERM: "truecolor" }, false)), "none");
});

Deno.test("detectColorLevel: COLORTERM picks truecolor, otherwise 256", () => {
  assert.equal(detectColorLevel(environment({ COLORTERM: "truecolor" })), "truecolor");
  assert.equal(detectColorLevel(environment({ COLORTERM: "24bit", TERM: "xterm" })), "truecolor");
  assert.equal(detectColorLevel(environment({ TERM: "xterm-256color" })), "256");
  // An empty NO_COLOR does not count (no-color.org).
  assert.equal(detectColorLevel(environment({ NO_COLOR: "" })), "256");
});

Deno.test("detectColorLevel: FORCE_COLOR overrides a pipe but not NO_COLOR", () => {
  assert.equal(detectColorLevel(environment({ FORCE_COLOR: "3" }, false)), "truecolor");
  assert.equal(detectColorLevel(environment({ FORCE_COLOR: "1" }, false)), "256");
  assert.equal(detectColorLevel(environment({ FORCE_COLOR: "0", COLORTERM: "truecolor" })), "none");
  assert.equal(detectColorLevel(environment({ FORCE_COLOR: "3", NO_COLOR: "1" })), "none");
});

Deno.test("paint: styles at level none return the text unchanged", () => {
  assert.equal(paint("none").green.bold("ok"), "ok");
  assert.equal(paint("none").bgRgb(1, 2, 3)("x"), "x");
  assert.equal(paint("truecolor").rgb(1, 2, 3)("x"), "\x1b[38;2;1;2;3mx\x1b[39m");
  assert.match(paint("256").rgb(255, 0, 0)("x").replaceAll("\x1b", "^"), /^\^\[38;5;\d+mx\^\[39m$/);
});

Deno.test("graySgr: truecolor grays, the 232..255 ramp, nothing without color", () => {
  assert.equal(graySgr("truecolor", 1, "fg"), "\x1b[38;2;255;255;255m");
  assert.equal(graySgr("truecolor", 0.5, "bg"), "\x1b[48;2;128;128;128m");
  assert.equal(graySgr("256", 0, "bg"), "\x1b[48;5;232m");
  assert.equal(graySgr("256", 1, "fg"), "\x1b[38;5;255m");
  assert.equal(graySgr("256", 7, "fg"), "\x1b[38;5;255m"); // clamped
  assert.equal(graySgr("none", 1, "fg"), "");
});

import assert from "node:assert/strict";
import {
  alignRight,
  center,
  fitWidth,
  frame,
  joinColumns,
  stripAnsi,
  truncate,
  visibleWidth,
} from "./layout.ts";

const red = (s: string) => `\x1b[31m${s}\x1b[39m`;

Deno.test("visibleWidth ignores escape codes and counts wide characters twice", () => {
  assert.equal(visibleWidth(red("hello")), 5);
  assert.equal(visibleWidth("\x1b[38;2;1;2;3m\x1b[48;5;232m▀▀\x1b[39;49m"), 2);
  assert.equal(visibleWidth("\x1b]8;;https://x.y\x07link\x1b]8;;\x07"), 4);
  assert.equal(visibleWidth("━━ ⣿ █ µs → ▁"), 13);
  assert.equal(visibleWidth("数字"), 4);
  assert.equal(visibleWidth("e\u0301"), 1);
  assert.equal(stripAnsi(red("a") + "\x1b[2Kb"), "ab");
});

Deno.test("truncate cuts visible text but keeps every escape code", () => {
  assert.equal(truncate(red("hello"), 3), "\x1b[31mhel\x1b[39m");
  assert.equal(truncate(red("hello"), 4, "…"), "\x1b[31mhel…\x1b[39m");
  assert.equal(truncate("short", 10, "…"), "short");
  assert.equal(truncate("数字abc", 3), "数");
  assert.equal(truncate("abc", 0), "");
});

Deno.test("fitWidth, alignRight and center pad to exact widths", () => {
  assert.equal(fitWidth(red("ab"), 4), "\x1b[31mab\x1b[39m  ");
  assert.equal(fitWidth("abcdef", 4, "…"), "abc…");
  assert.equal(alignRight("42", 5), "   42");
  assert.equal(center("ab", 6), "  ab  ");
  assert.equal(center("ab", 5), " ab  ");
  for (const width of [0, 1, 3, 9]) {
    assert.equal(visibleWidth(fitWidth(red("hello"), width)), width);
    assert.equal(visibleWidth(center(red("hello"), width)), width);
  }
});

Deno.test("frame draws a titled box with lines padded to the inner width", () => {
  assert.deepEqual(frame(["hi"], { title: "T", color: "none" }), [
    "┌─ T ┐",
    "│ hi │",
    "└────┘",
  ]);
  assert.deepEqual(frame(["a", "long line"], { title: "Menu", width: 12, color: "none" }), [
    "┌─ Menu ───┐",
    "│ a        │",
    "│ long li… │",
    "└──────────┘",
  ]);
  const colored = frame(["x"], { title: "Title", width: 20, color: "256" });
  assert.ok(colored.every((line) => visibleWidth(line) === 20));
  assert.deepEqual(
    colored.map(stripAnsi),
    frame(["x"], { title: "Title", width: 20, color: "none" }),
  );
});

Deno.test("joinColumns pads each block to its widest line", () => {
  assert.deepEqual(joinColumns([["a", "bb"], ["c"]], 1), ["a  c", "bb  "]);
  assert.deepEqual(joinColumns([[red("x")], ["y", "z"]], 2), [red("x") + "  y", "   z"]);
});

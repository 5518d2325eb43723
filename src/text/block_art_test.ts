import assert from "node:assert/strict";
import { renderBlockArt, sideBySide } from "./block_art.ts";
import { stripAnsi, visibleWidth } from "./layout.ts";

/** A 28x28 "1": a vertical bar of ink in columns 13..15, rows 4..23. */
function digitOne(): Float32Array {
  const image = new Float32Array(28 * 28);
  for (let y = 4; y < 24; y++) for (let x = 13; x < 16; x++) image[y * 28 + x] = 1;
  return image;
}

Deno.test("block art of a 28x28 digit is 14 lines of width 28 at every color level", () => {
  for (const color of ["none", "256", "truecolor"] as const) {
    const lines = renderBlockArt(digitOne(), { color });
    assert.equal(lines.length, 14, color);
    for (const line of lines) assert.equal(visibleWidth(line), 28, color);
  }
});

Deno.test("block art without color draws the ink with a ramp and no escape codes", () => {
  const lines = renderBlockArt(digitOne(), { color: "none" });
  assert.ok(lines.every((line) => !line.includes("\x1b")));
  assert.equal(lines[0], " ".repeat(28));
  assert.equal(lines[2], " ".repeat(13) + "@@@" + " ".repeat(12));
  assert.equal(lines[11], " ".repeat(13) + "@@@" + " ".repeat(12));
  assert.equal(lines[12], " ".repeat(28));
  // Gray levels map onto the ramp " .:-=+*#%@"; the brighter of the two stacked pixels wins.
  assert.deepEqual(renderBlockArt([0, 0.5, 1, 0, 0, 0.12, 0, 0.9], { width: 4, color: "none" }), [
    " +@%",
  ]);
});

Deno.test("block art puts the upper pixel in the foreground and the lower in the background", () => {
  // 2x2: top row white, black; bottom row black, white.
  const lines = renderBlockArt(new Uint8Array([255, 0, 0, 255]), { color: "truecolor" });
  assert.deepEqual(lines, [
    "\x1b[38;2;255;255;255m\x1b[48;2;0;0;0m▀" +
    "\x1b[38;2;0;0;0m\x1b[48;2;255;255;255m▀\x1b[39;49m",
  ]);
  const gray = renderBlockArt(new Float32Array([0, 1, 1, 0]), { color: "256" });
  assert.equal(gray[0], "\x1b[38;5;232m\x1b[48;5;255m▀\x1b[38;5;255m\x1b[48;5;232m▀\x1b[39;49m");
});

Deno.test("block art repeats no color code within a run of equal pixels", () => {
  const lines = renderBlockArt(new Float32Array(28 * 28), { color: "truecolor" });
  assert.equal(lines[0], "\x1b[38;2;0;0;0m\x1b[48;2;0;0;0m" + "▀".repeat(28) + "\x1b[39;49m");
});

Deno.test("block art reads Uint8Array 0..255 like Float32Array 0..1, and odd heights", () => {
  const bytes = new Uint8Array([0, 51, 102, 153, 204, 255]);
  const floats = new Float32Array(Array.from(bytes, (b) => b / 255));
  assert.deepEqual(
    renderBlockArt(bytes, { width: 2, color: "truecolor" }),
    renderBlockArt(floats, { width: 2, color: "truecolor" }),
  );
  // Three rows: the last line has the third row on top and background below.
  const lines = renderBlockArt(bytes, { width: 2, color: "none" });
  assert.equal(lines.length, 2);
  assert.equal(lines[1], "#@");
  assert.throws(() => renderBlockArt(new Float32Array(5), { width: 2, color: "none" }), RangeError);
});

Deno.test("sideBySide lays digits in rows that fit the width, captions centered below", () => {
  const digit = renderBlockArt(digitOne(), { color: "none" });
  const wide = sideBySide([digit, digit, digit], 2, 100, ["7 → 7", "2 → 3", "1 → 1"]);
  assert.equal(wide.length, 15);
  assert.equal(
    wide[14],
    "           7 → 7" + " ".repeat(25) + "2 → 3" + " ".repeat(25) + "1 → 1" + " ".repeat(12),
  );
  assert.ok(wide.every((line) => visibleWidth(line) === 88));

  const narrow = sideBySide([digit, digit, digit], 2, 60, ["a", "b", "c"]);
  // Two digits (58 columns) fit in 60; the third wraps below a blank line.
  assert.equal(narrow.length, 15 + 1 + 15);
  assert.equal(visibleWidth(narrow[0]), 58);
  assert.equal(narrow[15], "");
  assert.equal(stripAnsi(narrow[30]).trim(), "c");

  // A block wider than the width still gets a row of its own.
  assert.equal(sideBySide([digit, digit], 1, 10).length, 14 + 1 + 14);
});

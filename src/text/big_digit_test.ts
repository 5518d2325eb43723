import assert from "node:assert/strict";
import { digitGlyph, renderBigDigit } from "./big_digit.ts";
import { stripAnsi, visibleWidth } from "./layout.ts";

Deno.test("every big digit is 7 lines of 10 columns", () => {
  for (let digit = 0; digit <= 9; digit++) {
    for (const color of ["none", "256"] as const) {
      const lines = renderBigDigit(digit, { color });
      assert.equal(lines.length, 7);
      assert.ok(lines.every((line) => visibleWidth(line) === 10), `${digit} ${color}`);
    }
  }
});

Deno.test("big digits are drawn from the font, pixels two blocks wide", () => {
  assert.deepEqual(renderBigDigit(7, { color: "none" }), [
    "██████████",
    "        ██",
    "      ██  ",
    "    ██    ",
    "  ██      ",
    "  ██      ",
    "  ██      ",
  ]);
  // All ten glyphs differ.
  const shapes = new Set(Array.from({ length: 10 }, (_, d) => digitGlyph(d).join("\n")));
  assert.equal(shapes.size, 10);
  assert.throws(() => digitGlyph(10), RangeError);
});

Deno.test("big digit color wraps only the ink", () => {
  const lines = renderBigDigit(1, { color: "256", tint: "redBright" });
  assert.equal(lines[0], "    \x1b[91m██\x1b[39m    ");
  assert.deepEqual(lines.map(stripAnsi), renderBigDigit(1, { color: "none" }));
});

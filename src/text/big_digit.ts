import { type ColorLevel, paint } from "./color.ts";

// A 5x7 pixel font for 0-9 ("#" = ink), the classic dot-matrix shapes.
const FONT: Record<number, string[]> = {
  0: [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
  1: ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
  2: [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
  3: ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
  4: ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
  5: ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
  6: ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
  7: ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
  8: [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
  9: [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
};

/**
 * The 5x7 pixel pattern of a digit: 7 strings of 5 characters, `#` for ink.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { digitGlyph } from "./big_digit.ts";
 *
 * assert.equal(digitGlyph(1)[0], "  #  ");
 * ```
 */
export function digitGlyph(digit: number): string[] {
  const glyph = FONT[digit];
  if (!glyph) throw new RangeError(`digit glyph: expected 0-9, got ${digit}`);
  return glyph;
}

/** Options for {@linkcode renderBigDigit}. */
export interface BigDigitOptions {
  color: ColorLevel;
  /** An ansis color name for the ink (default "greenBright"). */
  tint?: "greenBright" | "redBright" | "yellowBright" | "cyanBright" | "white";
}

/**
 * Draws a digit large: the 5x7 font with each pixel two `█` wide (terminal cells are about
 * twice as tall as wide), so 7 lines of 10 columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderBigDigit } from "./big_digit.ts";
 *
 * assert.equal(renderBigDigit(7, { color: "none" })[0], "██████████");
 * ```
 */
export function renderBigDigit(digit: number, options: BigDigitOptions): string[] {
  const ink = paint(options.color)[options.tint ?? "greenBright"];
  return digitGlyph(digit).map((row) => {
    const text = row.replaceAll("#", "██").replaceAll(" ", "  ");
    // Color only the ink runs: trailing spaces stay plain, so padding never carries color.
    return text.replace(/█+/g, (run) => ink(run));
  });
}

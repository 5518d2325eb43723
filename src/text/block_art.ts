import { type ColorLevel, graySgr } from "./color.ts";
import { center, joinColumns, visibleWidth } from "./layout.ts";

/** Options for {@linkcode renderBlockArt}. */
export interface BlockArtOptions {
  /** Pixels per row; default: the square root of the pixel count (28 for MNIST). */
  width?: number;
  color: ColorLevel;
}

// Plain-text ramp from background to ink, for terminals without color.
const RAMP = " .:-=+*#%@";

/**
 * Draws a grayscale image (ink bright: Float32Array 0..1 or Uint8Array 0..255, row-major
 * [height x width]) as text, two pixel rows per line: `▀` with the upper pixel as foreground and
 * the lower one as background. A 28x28 digit becomes 14 lines of 28 columns. Without color each
 * cell is a ramp character (" .:-=+*#%@") for the brighter of its two pixels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderBlockArt } from "./block_art.ts";
 *
 * // A 4x4 image: a bright 2x2 square with one half-bright pixel, as two lines of 4 cells.
 * const pixels = new Float32Array(16);
 * pixels.set([1, 1], 5);
 * pixels.set([0.5, 1], 9);
 * assert.deepEqual(renderBlockArt(pixels, { color: "none" }), [" @@ ", " +@ "]);
 * ```
 */
export function renderBlockArt(
  pixels: Float32Array | Uint8Array | ArrayLike<number>,
  options: BlockArtOptions,
): string[] {
  const width = options.width ?? Math.round(Math.sqrt(pixels.length));
  if (width <= 0 || pixels.length % width !== 0) {
    throw new RangeError(`block art: ${pixels.length} pixels do not fill rows of ${width}`);
  }
  const height = pixels.length / width;
  const scale = pixels instanceof Uint8Array ? 1 / 255 : 1;
  const at = (x: number, y: number) => (y < height ? pixels[y * width + x] * scale : 0);
  const lines: string[] = [];
  for (let y = 0; y < height; y += 2) {
    let line = "";
    if (options.color === "none") {
      for (let x = 0; x < width; x++) {
        const v = Math.max(at(x, y), at(x, y + 1));
        line += RAMP[Math.round(Math.min(1, Math.max(0, v)) * (RAMP.length - 1))];
      }
    } else {
      // Only emit a color code when it differs from the previous cell's: a digit has long runs
      // of background, and a frame full of redundant codes is slow to write.
      let fg = "";
      let bg = "";
      for (let x = 0; x < width; x++) {
        const upper = graySgr(options.color, at(x, y), "fg");
        const lower = graySgr(options.color, at(x, y + 1), "bg");
        if (upper !== fg) line += fg = upper;
        if (lower !== bg) line += bg = lower;
        line += "▀";
      }
      line += "\x1b[39;49m";
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Lays out blocks (e.g. digits from {@linkcode renderBlockArt}) side by side with `gap` columns
 * between them, starting a new row of blocks (after a blank line) when the next block would
 * pass `width`. `captions[i]` is centered under block i (e.g. "7 → 2").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sideBySide } from "./block_art.ts";
 *
 * const seven = ["##", " #"];
 * const one = [" #", " #"];
 * assert.deepEqual(sideBySide([seven, one], 2, 80, ["7", "1"]), [
 *   "##   #",
 *   " #   #",
 *   "7   1 ",
 * ]);
 * ```
 */
export function sideBySide(
  blocks: string[][],
  gap: number,
  width: number,
  captions?: string[],
): string[] {
  const captioned = blocks.map((block, i) => {
    const blockWidth = Math.max(0, ...block.map(visibleWidth));
    const caption = captions?.[i];
    if (caption === undefined) return block;
    return [...block, center(caption, Math.max(blockWidth, visibleWidth(caption)))];
  });
  const out: string[] = [];
  let row: string[][] = [];
  let rowWidth = 0;
  const flush = () => {
    if (row.length === 0) return;
    if (out.length > 0) out.push("");
    out.push(...joinColumns(row, gap));
    row = [];
    rowWidth = 0;
  };
  for (const block of captioned) {
    const blockWidth = Math.max(0, ...block.map(visibleWidth));
    if (row.length > 0 && rowWidth + gap + blockWidth > width) flush();
    rowWidth += (row.length > 0 ? gap : 0) + blockWidth;
    row.push(block);
  }
  flush();
  return out;
}

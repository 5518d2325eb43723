/**
 * A saliency map drawn over the digit it explains: the ink in dim gray, and on top the pixels
 * that pushed the guess up in orange, those that pushed it down in blue (the diverging scale
 * of diverging.ts). Without color, the ink as shades ` ░▒▓` and the most salient pixels as `+`
 * (for the guess) and `-` (against it).
 *
 * @module
 */
import type { ColorLevel } from "./color.ts";
import { divergingRgb, rgbSgr } from "./diverging.ts";

const INK = [" ", "░", "▒", "▓"];

/** Options for {@linkcode renderSaliencyOverlay}. */
export interface SaliencyOverlayOptions {
  /** Pixels per row (default: the square root of the count, 28 for MNIST). */
  width?: number;
  color: ColorLevel;
  /** Saliency below this share of the largest value of its sign is not drawn (default 0.2). */
  threshold?: number;
}

/**
 * The digit `pixels` (0..1, ink bright) with `saliency` (same size, signed) over it, two pixel
 * rows per line like block art.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSaliencyOverlay } from "./saliency_overlay.ts";
 *
 * // 2x2: ink on the left column; the top-left pixel speaks for the guess, the top-right against.
 * const ink = new Float32Array([1, 0, 1, 0]);
 * const saliency = new Float32Array([0.9, -1, 0, 0]);
 * assert.deepEqual(renderSaliencyOverlay(ink, saliency, { color: "none" }), ["+-"]);
 * assert.deepEqual(renderSaliencyOverlay(ink, new Float32Array(4), { color: "none" }), ["▓ "]);
 * ```
 */
export function renderSaliencyOverlay(
  pixels: ArrayLike<number>,
  saliency: ArrayLike<number>,
  options: SaliencyOverlayOptions,
): string[] {
  const width = options.width ?? Math.round(Math.sqrt(pixels.length));
  if (width <= 0 || pixels.length % width !== 0 || saliency.length !== pixels.length) {
    throw new RangeError(
      `saliency overlay: ${pixels.length} pixels and ${saliency.length} saliency values in rows of ${width}`,
    );
  }
  const height = pixels.length / width;
  // Each sign on its own scale: a confident guess has a few strong pixels for it and a broad,
  // weaker field against it (or the reverse), and one shared scale would hide the weaker side.
  let mostFor = 0;
  let mostAgainst = 0;
  for (let i = 0; i < saliency.length; i++) {
    mostFor = Math.max(mostFor, saliency[i]);
    mostAgainst = Math.max(mostAgainst, -saliency[i]);
  }
  const threshold = options.threshold ?? 0.2;
  const ink = (x: number, y: number) =>
    y < height ? Math.min(1, Math.max(0, pixels[y * width + x])) : 0;
  const salient = (x: number, y: number) => {
    const s = y < height ? saliency[y * width + x] : 0;
    const t = s > 0 ? s / mostFor : s < 0 ? s / mostAgainst : 0;
    return Math.abs(t) >= threshold ? t : 0;
  };
  const rgb = (x: number, y: number): [number, number, number] => {
    const gray = Math.round(ink(x, y) * 110);
    const t = salient(x, y);
    if (t === 0) return [gray, gray, gray];
    const [r, g, b] = divergingRgb(t);
    return [Math.max(r, gray), Math.max(g, gray), Math.max(b, gray)];
  };
  const lines: string[] = [];
  for (let y = 0; y < height; y += 2) {
    let line = "";
    if (options.color === "none") {
      for (let x = 0; x < width; x++) {
        const upper = salient(x, y);
        const lower = salient(x, y + 1);
        const t = Math.abs(upper) >= Math.abs(lower) ? upper : lower;
        if (Math.abs(t) >= Math.max(threshold, 0.3)) line += t > 0 ? "+" : "-";
        else line += INK[Math.round(Math.max(ink(x, y), ink(x, y + 1)) * (INK.length - 1))];
      }
    } else {
      let fg = "";
      let bg = "";
      for (let x = 0; x < width; x++) {
        const upper = rgbSgr(options.color, ...rgb(x, y), "fg");
        const lower = rgbSgr(options.color, ...rgb(x, y + 1), "bg");
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

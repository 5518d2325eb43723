/**
 * Digits made into non-digits, from MNIST training digits: two digits overlaid, a mosaic of
 * pieces of four, a digit torn across with its halves shifted apart, one half of a round digit
 * alone, a digit scribbled or crossed over. None is a single clean digit: overlays and mosaics
 * take different digits and never a 1 (a 1 over anything still reads as the other digit, a
 * piece of a 1 is a whole 1), and a half is kept only from digits whose half is no digit.
 */
import type { Dataset } from "../data/dataset.ts";
import type { Random } from "../network/random.ts";
import { type InkMap, type Polyline, strokePolylines } from "./raster.ts";

/** The mashup canvas: a 28x28 digit fits with 10 pixels to spare on every side. */
const SIDE = 48;
const DIGIT = 28;
const OFFSET = (SIDE - DIGIT) / 2;

/**
 * Halves that are no digit: the left half of a 0, 2, 6 or 9 (a "(", a "c") and the right half
 * of a 0 or 6 (a ")"). Others are digits themselves: the right half of an 8 is a 3, of a 7 a
 * slanted 1, of a 4 a 1.
 */
const LEFT_HALF_FROM = [0, 2, 6, 9];
const RIGHT_HALF_FROM = [0, 6];
/** Digits whose top and bottom swapped still read as themselves. */
const SWAP_KEEPS = [0, 3, 8];
/** A half narrower than this share of its height is a lone stroke, a "(" that reads as a 1. */
const MIN_HALF_ASPECT = 0.5;

type MashupMaker = (digits: Dataset, rng: Random, canvas: Float32Array) => boolean;

/** Adds digit `index` (bytes 0..255) to `canvas` at (dx, dy) from the canvas' centre spot. */
function paste(
  digits: Dataset,
  index: number,
  canvas: Float32Array,
  dx: number,
  dy: number,
  keep: (x: number, y: number) => boolean = () => true,
): void {
  const base = index * DIGIT * DIGIT;
  for (let y = 0; y < DIGIT; y++) {
    const cy = y + OFFSET + dy;
    if (cy < 0 || cy >= SIDE) continue;
    for (let x = 0; x < DIGIT; x++) {
      const cx = x + OFFSET + dx;
      if (cx < 0 || cx >= SIDE || !keep(x, y)) continue;
      const v = digits.pixels[base + y * DIGIT + x] / 255;
      const i = cy * SIDE + cx;
      if (v > canvas[i]) canvas[i] = v;
    }
  }
}

/** Draws before `pick` gives up: a set without the labels asked for is a caller's mistake. */
const MAX_PICKS = 10_000;

/** A random digit whose label passes `allowed` (a draw from the whole set, retried). */
function pick(digits: Dataset, rng: Random, allowed: (label: number) => boolean): number {
  for (let tries = 0; tries < MAX_PICKS; tries++) {
    const index = rng.int(digits.count);
    if (allowed(digits.labels[index])) return index;
  }
  throw new RangeError(`digit mashups need digits of more labels than these ${digits.count}`);
}

/** The column that splits a digit's ink mass in half. */
function massColumn(digits: Dataset, index: number): number {
  const base = index * DIGIT * DIGIT;
  const columns = new Float64Array(DIGIT);
  let total = 0;
  for (let i = 0; i < DIGIT * DIGIT; i++) {
    columns[i % DIGIT] += digits.pixels[base + i];
    total += digits.pixels[base + i];
  }
  let sum = 0;
  for (let x = 0; x < DIGIT; x++) {
    sum += columns[x];
    if (sum >= total / 2) return x;
  }
  return DIGIT / 2;
}

/** The mashups by name; each returns false when its draw made nothing usable (draw again). */
export const MASHUPS: Readonly<Record<string, MashupMaker>> = {
  overlay(digits, rng, canvas) {
    const a = pick(digits, rng, (label) => label !== 1);
    const b = pick(digits, rng, (label) => label !== 1 && label !== digits.labels[a]);
    // Apart by 4 pixels or more: on top of each other, a 3 and an 8 make an 8.
    const dx = Math.round(rng.uniform(-6, 6)), dy = Math.round(rng.uniform(-5, 5));
    if (Math.abs(dx) + Math.abs(dy) < 4) return false;
    paste(digits, a, canvas, 0, 0);
    paste(digits, b, canvas, dx, dy);
    return true;
  },
  mosaic(digits, rng, canvas) {
    // Four quadrants, each from a different digit (not a 1), a little out of place.
    const labels = new Set<number>();
    for (let q = 0; q < 4; q++) {
      const index = pick(digits, rng, (label) => label !== 1 && !labels.has(label));
      labels.add(digits.labels[index]);
      const qx = q % 2, qy = q >> 1;
      const split = 14 + Math.round(rng.uniform(-3, 3));
      // Each piece out of place by up to 4 pixels, so that the strokes do not join up.
      paste(
        digits,
        index,
        canvas,
        Math.round(rng.uniform(-4, 4)),
        Math.round(rng.uniform(-4, 4)),
        (x, y) => (x < split ? 0 : 1) === qx && (y < split ? 0 : 1) === qy,
      );
    }
    return true;
  },
  torn(digits, rng, canvas) {
    // Cut across, then the top piece moved aside by a third to a half of the digit, or the
    // pieces swapped, the bottom on top (not for a 0, 3 or 8: swapped, they are themselves).
    const index = pick(digits, rng, (label) => label !== 1);
    const cut = 10 + rng.int(9);
    if (!SWAP_KEEPS.includes(digits.labels[index]) && rng.next() < 0.5) {
      const dx = Math.round(rng.uniform(-3, 3));
      paste(digits, index, canvas, dx, -cut, (_x, y) => y >= cut);
      paste(digits, index, canvas, 0, DIGIT - cut, (_x, y) => y < cut);
      return true;
    }
    const shift = (rng.next() < 0.5 ? -1 : 1) * (9 + rng.int(6));
    paste(digits, index, canvas, 0, 0, (_x, y) => y >= cut);
    paste(digits, index, canvas, shift, -rng.int(4), (_x, y) => y < cut);
    return true;
  },
  half(digits, rng, canvas) {
    const left = rng.next() < 0.6;
    const from = left ? LEFT_HALF_FROM : RIGHT_HALF_FROM;
    const index = pick(digits, rng, (label) => from.includes(label));
    const column = massColumn(digits, index);
    paste(digits, index, canvas, 0, 0, (x) => (left ? x <= column : x > column));
    return inkAspect(canvas) >= MIN_HALF_ASPECT;
  },
  scribbledOver(digits, rng, canvas) {
    paste(digits, pick(digits, rng, () => true), canvas, 0, 0);
    const lines: Polyline[] = [];
    if (rng.next() < 0.5) {
      // Crossed out: a zigzag or an X over the digit.
      if (rng.next() < 0.5) lines.push([12, 12, 36, 36], [36, 12, 12, 36]);
      else {
        const line: Polyline = [];
        const teeth = 3 + rng.int(4);
        for (let i = 0; i <= teeth; i++) line.push(12 + (24 * i) / teeth, i % 2 ? 30 : 18);
        lines.push(line);
      }
    } else {
      const line: Polyline = [];
      let x = rng.uniform(14, 34), y = rng.uniform(14, 34), heading = rng.uniform(0, 6.3);
      // A tangle of pen over it, as big as the digit.
      for (let i = 0; i < 80 + rng.int(60); i++) {
        heading += rng.uniform(-0.7, 0.7);
        x = Math.min(36, Math.max(12, x + 2 * Math.cos(heading)));
        y = Math.min(36, Math.max(12, y + 2 * Math.sin(heading)));
        line.push(x, y);
      }
      lines.push(line);
    }
    strokePolylines(canvas, SIDE, SIDE, lines, rng.uniform(0.8, 1.6));
    return true;
  },
};

/** The mashup names, in a fixed order (the order the seed picks from). */
export const MASHUP_NAMES: readonly string[] = Object.keys(MASHUPS);

/** Width over height of the canvas' ink (0 when there is none). */
function inkAspect(canvas: Float32Array): number {
  let x0 = SIDE, x1 = -1, y0 = SIDE, y1 = -1;
  for (let i = 0; i < canvas.length; i++) {
    if (canvas[i] < 0.3) continue;
    const x = i % SIDE, y = Math.floor(i / SIDE);
    x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
  }
  return x1 < 0 ? 0 : (x1 - x0 + 1) / (y1 - y0 + 1);
}

/**
 * One random mashup of training digits on a 48x48 canvas (ink 0..1), or the named kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { drawMashup } from "./digit_mashups.ts";
 *
 * // Two tiny "digits": a 0-like ring and a 7-like bar.
 * const pixels = new Uint8Array(2 * 784);
 * for (let x = 8; x < 20; x++) pixels[10 * 28 + x] = pixels[20 * 28 + x] = 255;
 * for (let x = 8; x < 20; x++) pixels[784 + 6 * 28 + x] = 255;
 * const digits = { pixels, labels: new Uint8Array([0, 7]), count: 2 };
 * const mashup = drawMashup(digits, new Random(1), "overlay");
 * assert.equal(mashup.ink.length, 48 * 48);
 * ```
 */
export function drawMashup(digits: Dataset, rng: Random, name?: string): InkMap & { name: string } {
  // Chosen once: a kind that often draws again (half, overlay) keeps its share.
  const chosen = name ?? MASHUP_NAMES[rng.int(MASHUP_NAMES.length)];
  for (;;) {
    const canvas = new Float32Array(SIDE * SIDE);
    if (MASHUPS[chosen](digits, rng, canvas)) {
      return { width: SIDE, height: SIDE, ink: canvas, name: chosen };
    }
  }
}

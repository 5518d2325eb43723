/**
 * Finding the digits of a written number, left to right: the connected pieces of ink, specks
 * left out, the broken strokes of one digit merged (a 5's detached bar, a 4 in two strokes),
 * digits that touch split where the ink is thinnest, each normalized the MNIST way.
 */
import type { Component } from "./components.ts";
import type { GrayImage } from "./gray_image.ts";
import { findInk, type InkMap, normalizePieces } from "./normalize.ts";

/** One digit of a number: what the network should see and where it is in the image. */
export interface DigitSegment {
  /** [28 x 28] ink-bright 0..1, like `normalizeDigit(...).pixels`. */
  pixels: Float32Array;
  /** [x, y, width, height] in the original image's pixels. */
  box: [number, number, number, number];
}

/** The digits found in an image, left to right; none (with a reason) on a blank page. */
export interface NumberSegments {
  /** The digits as the ink's shapes alone suggest. */
  digits: DigitSegment[];
  /**
   * Each group of connected or overlapping ink, left to right, and the ways to read it: as one
   * digit, or cut into two or more where digits may touch (`digits` holds one of these per
   * group). A reader that knows digits can pick the way its guesses are surest of.
   */
  groups: DigitSegment[][][];
  /** Why no digit was found ("no digit found"). */
  reason?: string;
}

/**
 * A piece is ink of the number when it is at least this share of the heaviest piece's mass...
 * (a 5's bar or a 1 is a tenth or more of an 8; dust and JPEG specks are far less)
 */
const MIN_SHARE = 0.06;
/** ... or, when lighter, this tall relative to the tallest piece (a thin 1 written lightly). */
const MIN_HEIGHT_SHARE = 0.4;
/**
 * Two pieces belong to one digit when their columns overlap by this share of the narrower one:
 * digits in a row sit side by side, a digit's own strokes stack above each other.
 */
const SAME_DIGIT_OVERLAP = 0.5;
/** Pieces closer than this share of the line's height are one digit's broken stroke. */
const NEAR_GAP = 0.05;
/**
 * A group wider than this many times its height holds touching digits (MNIST digits are at
 * most about as wide as tall: of the test set's digits, 0.3% are wider than 1.2x their height).
 */
const TOUCHING_ASPECT = 1.25;
/** A digit of a written number is about this wide for its height, when splitting touching ones. */
const DIGIT_ASPECT = 0.7;
/** Groups at least this wide for their height may be touching digits (two narrow ones)... */
const MIN_SPLIT_ASPECT = 1.1;
/** ... as many as fit at this width each (narrow digits), at most MAX_TOUCHING. */
const NARROW_ASPECT = 0.45;
const MAX_TOUCHING = 4;
/** Each part of a split is at least this share of the group's height... */
const MIN_PART_HEIGHT = 0.5;
/** ... and holds at least this share of an equal split's ink. */
const MIN_PART_MASS = 0.3;

/**
 * Finds the digits of a number written in a row and normalizes each like MNIST. An image of
 * one digit gives one segment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "./gray_image.ts";
 * import { segmentNumber } from "./segment.ts";
 *
 * // Two bars ("1 1") side by side on white paper, 60x40.
 * const image = grayImage(60, 40, new Float32Array(60 * 40).fill(1));
 * for (let y = 8; y < 32; y++) {
 *   for (const x of [18, 19, 20, 40, 41, 42]) image.luminance[y * 60 + x] = 0;
 * }
 * const { digits } = segmentNumber(image);
 * assert.equal(digits.length, 2);
 * assert.deepEqual(digits[0].box, [18, 8, 3, 24]);
 * ```
 */
export function segmentNumber(image: GrayImage): NumberSegments {
  const map = findInk(image);
  if (map === undefined) return { digits: [], groups: [], reason: "no digit found" };
  const pieces = inkOfTheNumber(map.components);
  if (pieces.length === 0) return { digits: [], groups: [], reason: "no digit found" };
  const digits: DigitSegment[] = [];
  const groups: DigitSegment[][][] = [];
  for (const group of groupPieces(pieces)) {
    const box = boundsOf(group);
    const width = box.x1 - box.x0 + 1, height = box.y1 - box.y0 + 1;
    const ways: DigitSegment[][] = [[segment(map, group)]];
    let chosen = ways[0];
    if (width > MIN_SPLIT_ASPECT * height) {
      const most = Math.min(
        MAX_TOUCHING,
        Math.max(2, Math.round(width / (NARROW_ASPECT * height))),
      );
      const expected = width > TOUCHING_ASPECT * height
        ? Math.max(2, Math.round(width / (DIGIT_ASPECT * height)))
        : 1;
      for (let count = 2; count <= most; count++) {
        const clips = splitTouching(map, group, count);
        if (clips === undefined) continue;
        const way = clips.map((clip) => segment(map, group, clip));
        ways.push(way);
        if (count === expected) chosen = way;
      }
    }
    groups.push(ways);
    digits.push(...chosen);
  }
  return { digits, groups };
}

function segment(map: InkMap, group: Component[], clip?: { x0: number; x1: number }): DigitSegment {
  const box = boundsOf(group, clip);
  const s = map.scale;
  return {
    pixels: normalizePieces(map, group, clip),
    box: [
      Math.round(box.x0 * s),
      Math.round(box.y0 * s),
      Math.max(1, Math.round((box.x1 - box.x0 + 1) * s)),
      Math.max(1, Math.round((box.y1 - box.y0 + 1) * s)),
    ],
  };
}

/** Leaves out specks: pieces far lighter and smaller than the number's strokes. */
function inkOfTheNumber(components: Component[]): Component[] {
  if (components.length === 0) return [];
  const heaviest = Math.max(...components.map((c) => c.mass));
  const tallest = Math.max(...components.map((c) => c.y1 - c.y0 + 1));
  return components.filter((c) =>
    c.mass >= MIN_SHARE * heaviest || c.y1 - c.y0 + 1 >= MIN_HEIGHT_SHARE * tallest
  );
}

/**
 * Groups the pieces of each digit, left to right: pieces whose columns overlap (a 5's bar over
 * its body, the two strokes of a 4) or that nearly touch (a thin pen's stroke broken by the
 * scan) are one digit. A group's box grows as pieces join.
 */
function groupPieces(pieces: Component[]): Component[][] {
  const tallest = Math.max(...pieces.map((c) => c.y1 - c.y0 + 1));
  const heights = pieces.map((c) => c.y1 - c.y0 + 1).filter((h) => h >= MIN_HEIGHT_SHARE * tallest);
  const lineHeight = heights.sort((a, b) => a - b)[heights.length >> 1];
  const groups = pieces.map((c) => ({ pieces: [c], x0: c.x0, x1: c.x1, y0: c.y0, y1: c.y1 }));
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < groups.length && !merged; i++) {
      for (let j = i + 1; j < groups.length && !merged; j++) {
        const a = groups[i], b = groups[j];
        const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1;
        const narrower = Math.min(a.x1 - a.x0, b.x1 - b.x0) + 1;
        const gap = Math.max(a.x0 - b.x1, b.x0 - a.x1, a.y0 - b.y1, b.y0 - a.y1, 0);
        if (overlap >= SAME_DIGIT_OVERLAP * narrower || gap <= NEAR_GAP * lineHeight) {
          a.pieces.push(...b.pieces);
          a.x0 = Math.min(a.x0, b.x0), a.x1 = Math.max(a.x1, b.x1);
          a.y0 = Math.min(a.y0, b.y0), a.y1 = Math.max(a.y1, b.y1);
          groups.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return groups.sort((a, b) => a.x0 + a.x1 - b.x0 - b.x1).map((g) => g.pieces);
}

/**
 * Column ranges of `count` digits in a group, cut at the columns with the least ink near where
 * digits of equal width would end; undefined when a part would not be a digit (shorter than
 * MIN_PART_HEIGHT of the group, or nearly without ink: a 2's long tail, a 7's bar).
 */
function splitTouching(
  map: InkMap,
  group: Component[],
  count: number,
): { x0: number; x1: number }[] | undefined {
  const box = boundsOf(group);
  const width = box.x1 - box.x0 + 1, height = box.y1 - box.y0 + 1;
  // Ink per column of the group's pieces, and each column's top and bottom ink row.
  const labels = new Set(group.map((c) => c.label));
  const columns = new Float32Array(width);
  const tops = new Int32Array(width).fill(box.y1 + 1), bottoms = new Int32Array(width).fill(-1);
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      const i = y * map.width + x;
      if (!labels.has(map.labels[i])) continue;
      columns[x - box.x0] += map.ink[i];
      tops[x - box.x0] = Math.min(tops[x - box.x0], y);
      bottoms[x - box.x0] = Math.max(bottoms[x - box.x0], y);
    }
  }
  const total = columns.reduce((sum, v) => sum + v, 0);
  const cuts: number[] = [];
  for (let k = 1; k < count; k++) {
    // Search around where digits of equal width would meet.
    const expected = (k * width) / count;
    const reach = Math.max(1, Math.round(width / count / 3));
    let best = Math.round(expected);
    for (let x = Math.max(1, best - reach); x <= Math.min(width - 2, best + reach); x++) {
      if (columns[x] < columns[best]) best = x;
    }
    cuts.push(best);
  }
  const ranges: { x0: number; x1: number }[] = [];
  let from = 0;
  for (const cut of [...cuts, width - 1]) {
    let mass = 0, top = box.y1 + 1, bottom = -1;
    for (let x = from; x <= cut; x++) {
      mass += columns[x];
      top = Math.min(top, tops[x]);
      bottom = Math.max(bottom, bottoms[x]);
    }
    if (bottom - top + 1 < MIN_PART_HEIGHT * height || mass < (MIN_PART_MASS * total) / count) {
      return undefined;
    }
    ranges.push({ x0: box.x0 + from, x1: box.x0 + cut });
    from = cut + 1;
  }
  return ranges;
}

function boundsOf(group: Component[], clip?: { x0: number; x1: number }) {
  let x0 = Math.min(...group.map((c) => c.x0)), x1 = Math.max(...group.map((c) => c.x1));
  if (clip) x0 = Math.max(x0, clip.x0), x1 = Math.min(x1, clip.x1);
  return {
    x0,
    x1,
    y0: Math.min(...group.map((c) => c.y0)),
    y1: Math.max(...group.map((c) => c.y1)),
  };
}

/**
 * Faint digits beside bold ones, for the number reader. A picture's ink levels come from its
 * darkest strokes, and a piece is kept only where it reaches half of that contrast: a digit
 * written lightly (a thin pen photographed small, a pencil beside a marker) falls apart into a
 * few short fragments at that level, or vanishes, and its number loses a digit ("18155" read
 * "1811"). Here the ink is looked at again at a much lower level: a region there that is as
 * tall as the row's digits, narrow enough to be one digit, beside a bold digit, made of strokes
 * rather than a soft blot, and mostly faint (or a digit broken into bold fragments that the
 * faint ink joins) is taken whole as one piece; its own ink levels (`pieceLevels`) then
 * normalize it as it would be alone.
 *
 * The limits were checked on numbers composed of real writers' digits (one writer's 4s drawn
 * with a 1-2 pixel stroke are faint at a row's height) for several seeds, on the parish-register
 * scans of `../shared/real_numbers` (a shaded page edge and thin rules must not pass), and on
 * made-up pictures of bold digits beside smudges, shadows between digits, a mirrored digit
 * showing through the paper and two 1s joined by a smudge (none may become a digit).
 */
import { type Component, labelComponents } from "./components.ts";
import { distanceTransform } from "./distance_transform.ts";
import { heightOf, rowsShared, SAME_ROW_OVERLAP, widthOf } from "./page_rules.ts";
import type { InkMap } from "./normalize.ts";

/**
 * The level faint digits are looked for at: this share of the picture's contrast above the
 * paper (its `low` level is a quarter), and never inside the paper's noise (`floor`).
 */
const FAINT_LEVEL = 0.1;
/** A faint region is a digit when it is at least this share of the digits' height tall... */
const FAINT_MIN_HEIGHT = 0.6;
/**
 * ... at most this many digit heights wide and tall (larger is a shadow, a smudge across
 * digits, or a faint rule down the page)...
 */
const FAINT_MAX_WIDTH = 1.2;
const FAINT_MAX_HEIGHT = 1.3;
/**
 * ... and its ink is mostly faint: the bold pieces it holds cover under this share of its
 * pixels. A bold digit's own region at the lower level only adds its rim (a blurred stroke
 * is about 0.8 as wide at a quarter of its peak as at a tenth), and stays as it was. Two or
 * more bold pieces, none a whole digit, are a digit broken apart (a thin 4 in six pieces, 76%
 * of its region) and pass whatever their share.
 */
const BOLD_SHARE = 0.5;
/** A piece this tall for the digits is a whole digit, not a fragment of one. */
const WHOLE_DIGIT_HEIGHT = 0.8;
/**
 * A faint region's ink, at its own half level, is at most this share of the digits' height
 * thick: strokes (a pen's is about an eighth of a digit's height in MNIST); a smudge or a
 * shadow is a thick blot there.
 */
const MAX_STROKE_THICKNESS = 0.2;

/**
 * The map and pieces with each faint digit taken whole: its region labelled as one new piece
 * (the fragments of it among `pieces` leave), so that grouping and normalizing treat it like
 * any digit; `uncut` holds the labels of those that held at most one bold piece, not to be cut
 * at valleys. `pieces` are the number's pieces at the picture's own levels; the map's
 * labels are copied, not changed, when something is found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "./gray_image.ts";
 * import { findInk } from "./normalize.ts";
 * import { withFaintDigits } from "./faint_digits.ts";
 *
 * // Two upright strokes on white paper: one black, one light grey (30% ink).
 * const image = grayImage(60, 40, new Float32Array(60 * 40).fill(1));
 * for (let y = 8; y < 32; y++) {
 *   for (const x of [18, 19, 20]) image.luminance[y * 60 + x] = 0;
 *   for (const x of [40, 41, 42]) image.luminance[y * 60 + x] = 0.7;
 * }
 * const map = findInk(image)!;
 * assert.equal(map.components.length, 1); // the grey stroke is under the picture's half level
 * const found = withFaintDigits(map, map.components);
 * assert.equal(found.pieces.length, 2);
 * assert.deepEqual([found.pieces[1].x0, found.pieces[1].y0, found.pieces[1].y1], [40, 8, 31]);
 * ```
 */
export function withFaintDigits(
  map: InkMap,
  pieces: Component[],
): { map: InkMap; pieces: Component[]; uncut: Set<number> } {
  const { paper, floor, low, half } = map.levels;
  const level = Math.max(floor, paper + FAINT_LEVEL * 2 * (half - paper));
  const uncut = new Set<number>();
  if (pieces.length === 0 || level >= low) return { map, pieces, uncut };
  const digitHeight = medianHeight(pieces);
  const regions = labelComponents(map.ink, map.width, map.height, level);
  const faint: { region: Component; inside: Component[] }[] = [];
  for (const region of regions.components) {
    if (heightOf(region) < FAINT_MIN_HEIGHT * digitHeight) continue;
    if (widthOf(region) > FAINT_MAX_WIDTH * digitHeight) continue;
    if (heightOf(region) > FAINT_MAX_HEIGHT * digitHeight) continue;
    if (region.peak < low) continue;
    // A page's shaded edge or a rule running off it.
    if (region.x0 === 0 || region.y0 === 0) continue;
    if (region.x1 === map.width - 1 || region.y1 === map.height - 1) continue;
    const inside = pieces.filter((p) => within(p, region) && holds(regions.labels, map, p, region));
    // Beside a bold digit of its row (its own fragments do not count): not a blot on its own.
    const others = pieces.filter((p) => !inside.includes(p));
    if (!others.some((p) => sameRow(p, region))) continue;
    // Two whole digits joined by faint ink (a smudge, a shadow) stay two.
    const tall = inside.filter((p) => heightOf(p) >= WHOLE_DIGIT_HEIGHT * digitHeight);
    if (tall.length >= 2) continue;
    // Mostly faint ink; or a digit broken into bold fragments that the faint ink joins.
    const boldArea = inside.reduce((sum, p) => sum + p.area, 0);
    const fragments = inside.length >= 2;
    if (boldArea >= BOLD_SHARE * region.area && !fragments) continue;
    // Strokes, not a blot: at its own half level a smudge or a shadow is thick.
    const thickness = strokeThickness(map, regions.labels, region);
    if (thickness > MAX_STROKE_THICKNESS * digitHeight) continue;
    faint.push({ region, inside });
  }
  if (faint.length === 0) return { map, pieces, uncut };
  const labels = map.labels.slice();
  let next = 1;
  for (const label of map.labels) if (label >= next) next = label + 1;
  const replaced = new Set<Component>();
  const added: Component[] = [];
  for (const { region, inside } of faint) {
    for (const p of inside) replaced.add(p);
    const label = next++;
    for (let y = region.y0; y <= region.y1; y++) {
      for (let x = region.x0; x <= region.x1; x++) {
        const i = y * map.width + x;
        if (regions.labels[i] === region.label) labels[i] = label;
      }
    }
    added.push({ ...region, label });
    // A faint stroke's valleys are everywhere (a thin 4 sliced into five atoms was read "67");
    // only where bold pieces joined in it may there be two digits to part.
    if (inside.length <= 1) uncut.add(label);
  }
  const kept = (list: Component[]) => [...list.filter((p) => !replaced.has(p)), ...added];
  return { map: { ...map, labels, components: kept(map.components) }, pieces: kept(pieces), uncut };
}

/**
 * How thick a region's ink is where it reaches half way from the paper to the region's core
 * (the 90th percentile of its pixels' ink: its single darkest pixel is often noise): twice the
 * largest distance from such a pixel to one that is not, less one (a 3-pixel bar is 3).
 */
function strokeThickness(map: InkMap, regionLabels: Int32Array, region: Component): number {
  const inks: number[] = [];
  for (let y = region.y0; y <= region.y1; y++) {
    for (let x = region.x0; x <= region.x1; x++) {
      const i = y * map.width + x;
      if (regionLabels[i] === region.label) inks.push(map.ink[i]);
    }
  }
  inks.sort((a, b) => a - b);
  const halfWay = (map.levels.paper + inks[Math.floor(0.9 * (inks.length - 1))]) / 2;
  // The box with a margin of one pixel of paper, and where the ink is not strong: the outside.
  const width = widthOf(region) + 2, height = heightOf(region) + 2;
  const outside = new Uint8Array(width * height).fill(1);
  for (let y = region.y0; y <= region.y1; y++) {
    for (let x = region.x0; x <= region.x1; x++) {
      const i = y * map.width + x;
      if (regionLabels[i] === region.label && map.ink[i] >= halfWay) {
        outside[(y - region.y0 + 1) * width + x - region.x0 + 1] = 0;
      }
    }
  }
  const distance = distanceTransform(outside, width, height);
  let deepest = 0;
  for (let i = 0; i < distance.length; i++) if (distance[i] > deepest) deepest = distance[i];
  return 2 * deepest - 1;
}

/** The median height of the pieces of some weight: the digits' height. */
function medianHeight(pieces: Component[]): number {
  const heaviest = Math.max(...pieces.map((p) => p.mass));
  const heights = pieces.filter((p) => p.mass >= 0.05 * heaviest).map(heightOf)
    .sort((a, b) => a - b);
  return heights[heights.length >> 1];
}

/** Whether `region` is in a row with the bold piece, as the segmenter makes its rows. */
function sameRow(piece: Component, region: Component): boolean {
  const shorter = Math.min(heightOf(piece), heightOf(region));
  return rowsShared(piece, region) >= SAME_ROW_OVERLAP * shorter;
}

/** Whether `piece`'s box lies inside `region`'s. */
function within(piece: Component, region: Component): boolean {
  return piece.x0 >= region.x0 && piece.x1 <= region.x1 && piece.y0 >= region.y0 &&
    piece.y1 <= region.y1;
}

/** Whether the region's pixels include the piece's (every piece at a higher level is in one). */
function holds(
  regionLabels: Int32Array,
  map: InkMap,
  piece: Component,
  region: Component,
): boolean {
  for (let y = piece.y0; y <= piece.y1; y++) {
    for (let x = piece.x0; x <= piece.x1; x++) {
      const i = y * map.width + x;
      if (map.labels[i] === piece.label) return regionLabels[i] === region.label;
    }
  }
  return false;
}

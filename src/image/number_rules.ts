/**
 * Rules around a written number, taken out before its digits are looked for: pieces that are
 * rules (much longer than thick, and than the digits are tall), and the long straight runs of
 * ruled lines crossing the ink. Part of segment.ts's reading of numbers (ruled_lines.ts does
 * the same for a single digit's picture).
 *
 * @module
 */
import { type Component, labelComponents } from "./components.ts";
import type { InkMap } from "./normalize.ts";

/** A piece lighter than a digit counts when this tall relative to the tallest (a thin 1). */
export const MIN_HEIGHT_SHARE = 0.4;

export const heightOf = (c: { y0: number; y1: number }) => c.y1 - c.y0 + 1;
export const widthOf = (c: { x0: number; x1: number }) => c.x1 - c.x0 + 1;

/**
 * A rule is this many times longer than thick and than the other pieces are tall (a 1 is
 * about as tall as its neighbours); one across runs along most of the picture (this share).
 */
const RULE_SPAN = 0.8;
const RULE_ASPECT = 8;
/** ... and this many times longer than the other pieces' median extent along it... */
const RULE_OVER_DIGITS = 2.5;
/** ... of those at least this share of its area. */
const RULE_OTHERS_AREA = 0.2;

/** A piece from the picture's edge this many times longer than thick is a rule's piece. */
const EDGE_RULE_ASPECT = 5;

/**
 * Leaves out the ruled lines of a form or register (a column's edge, a faint line across):
 * thin pieces far longer than the rest of the ink, across ones spanning most of the picture
 * (a lone 1 is kept: there is nothing else to compare with);
 * and thin pieces that run in from the picture's edge when other ink stands clear of the edges
 * (a ruled line broken by the scan, the shadow of a book's margin).
 */
export function withoutRules(pieces: Component[], map: InkMap): Component[] {
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
  const isRule = (c: Component) => {
    // Pieces of some substance beside it (specks would make any stroke look long).
    const others = pieces.filter((o) => o !== c && o.area >= RULE_OTHERS_AREA * c.area);
    if (others.length === 0) return false;
    const vertical = heightOf(c) >= RULE_ASPECT * widthOf(c) &&
      heightOf(c) >= RULE_OVER_DIGITS * median(others.map(heightOf));
    const horizontal = widthOf(c) >= RULE_SPAN * map.width &&
      widthOf(c) >= RULE_ASPECT * heightOf(c) &&
      widthOf(c) >= RULE_OVER_DIGITS * median(others.map(widthOf));
    // A rule's broken piece, or the shadow beside a margin: thin and from the picture's edge.
    const inside = (o: Component) =>
      o.y0 > 0 && o.y1 < map.height - 1 && o.x0 > 0 && o.x1 < map.width - 1;
    const fromEdge = (c.y0 === 0 || c.y1 === map.height - 1) &&
      heightOf(c) >= EDGE_RULE_ASPECT * widthOf(c) && others.some(inside);
    const fromSide = (c.x0 === 0 || c.x1 === map.width - 1) &&
      widthOf(c) >= EDGE_RULE_ASPECT * heightOf(c) && others.some(inside);
    return vertical || horizontal || fromEdge || fromSide;
  };
  return pieces.filter((c) => !isRule(c));
}

/** A horizontal run of ink this many digit heights long is a line (an underline), not a digit. */
const LINE_RUN = 1.3;
/** A run of ink along half the picture's side is a ruled line... */
const RULED_RUN = 0.5;
/** ... when it is at most this thick (share of the shorter side, at least 2 pixels). */
const RULED_THICKNESS = 0.03;

/**
 * Erases lines drawn across the picture or under the digits, then labels the pieces again:
 * ruled lines of a form or register, faint or broken, that join everything they touch (runs
 * of ink along half the picture that are thin: a 7's bar in a tight crop is as long but
 * thick), and underlines touching the digits (horizontal runs longer than LINE_RUN times the
 * height of the digits: digits' own bars are shorter than their height, except in digits
 * written far wider than tall).
 */
export function withoutLines(map: InkMap): InkMap {
  const { width, height } = map;
  let ink: Float32Array | undefined;
  let labels = map.labels;
  const erase = (mask: Uint8Array) => {
    let any = false;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) continue;
      ink ??= map.ink.slice();
      ink[i] = map.levels.paper;
      any = true;
    }
    if (any) labels = labelComponents(ink!, width, height, map.levels.low).labels;
  };
  const isInk = (i: number) => labels[i] !== 0;
  // Ruled lines across and down the picture.
  const across = longRuns(isInk, width, height, true, Math.round(RULED_RUN * width));
  const thin = Math.max(2, Math.round(RULED_THICKNESS * Math.min(width, height)));
  keepThin(across, width, height, true, thin);
  const down = longRuns(isInk, width, height, false, Math.round(RULED_RUN * height));
  keepThin(down, width, height, false, thin);
  for (let i = 0; i < across.length; i++) across[i] |= down[i];
  erase(across);
  // Underlines, against the height of the digits that are left.
  const components = ink === undefined
    ? map.components
    : labelComponents(ink, width, height, map.levels.low).components
      .filter((c) => c.peak >= map.levels.half);
  if (components.length > 0) {
    const tallest = Math.max(...components.map(heightOf));
    const heights = components.map(heightOf).filter((h) => h >= MIN_HEIGHT_SHARE * tallest)
      .sort((a, b) => a - b);
    const longest = Math.max(LINE_RUN * heights[heights.length >> 1], 8);
    erase(longRuns(isInk, width, height, true, Math.round(longest)));
  }
  if (ink === undefined) return map;
  const relabeled = labelComponents(ink, width, height, map.levels.low);
  const strokes = relabeled.components.filter((c) => c.peak >= map.levels.half);
  return { ...map, ink, labels: relabeled.labels, components: strokes };
}

/** [height x width] 1 on the runs of ink at least `length` long, across (rows) or down. */
function longRuns(
  isInk: (i: number) => boolean,
  width: number,
  height: number,
  across: boolean,
  length: number,
): Uint8Array {
  const mask = new Uint8Array(width * height);
  const lines = across ? height : width, along = across ? width : height;
  const at = (line: number, k: number) => across ? line * width + k : k * width + line;
  for (let line = 0; line < lines; line++) {
    for (let k = 0; k < along;) {
      if (!isInk(at(line, k))) {
        k++;
        continue;
      }
      let end = k;
      while (end < along && isInk(at(line, end))) end++;
      if (end - k >= length) { for (let j = k; j < end; j++) mask[at(line, j)] = 1; }
      k = end;
    }
  }
  return mask;
}

/** Clears the parts of a run mask thicker than `thickness` across the runs' direction. */
function keepThin(
  mask: Uint8Array,
  width: number,
  height: number,
  across: boolean,
  thickness: number,
): void {
  // Runs across rows are measured down each column, and the other way round.
  const lines = across ? width : height, along = across ? height : width;
  const at = (line: number, k: number) => across ? k * width + line : line * width + k;
  for (let line = 0; line < lines; line++) {
    for (let k = 0; k < along;) {
      if (mask[at(line, k)] === 0) {
        k++;
        continue;
      }
      let end = k;
      while (end < along && mask[at(line, end)] !== 0) end++;
      if (end - k > thickness) { for (let j = k; j < end; j++) mask[at(line, j)] = 0; }
      k = end;
    }
  }
}

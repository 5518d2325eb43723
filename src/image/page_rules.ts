/**
 * What is on a page besides the number it holds: ruled lines, underlines and a column's rule
 * (`withoutRules`, `withoutLines`), and the dark bands along a photo's edges (`darkMargins`).
 * segment.ts leaves them out before it reads the number.
 *
 * @module
 */
import { type Component, labelComponents } from "./components.ts";
import type { GrayImage } from "./gray_image.ts";
import { histogram, percentile } from "./histogram.ts";
import type { InkMap } from "./normalize.ts";

/**
 * A piece is ink of the number when it is at least this share of the heaviest piece's mass...
 * (a 5's bar or a 1 is a tenth or more of an 8; dust and JPEG specks are far less)
 */
export const MIN_SHARE = 0.06;
/** ... or, when lighter, this tall relative to the tallest piece (a thin 1 written lightly). */
export const MIN_HEIGHT_SHARE = 0.4;

/** A piece's height and width in pixels. */
export const heightOf = (c: { y0: number; y1: number }) => c.y1 - c.y0 + 1;
export const widthOf = (c: { x0: number; x1: number }) => c.x1 - c.x0 + 1;
/** How many rows of pixels two boxes share (0 or less: none). */
export const rowsShared = (a: { y0: number; y1: number }, b: { y0: number; y1: number }) =>
  Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
/**
 * Pieces whose heights overlap by this share of the shorter are in one row of a number (the
 * segmenter's rows, and a faint digit beside a bold one): baselines wander.
 */
export const SAME_ROW_OVERLAP = 0.3;

/**
 * A rule is this many times longer than thick and than the other pieces are tall (a 1 is
 * about as tall as its neighbours); one across runs along most of the picture (this share).
 */
const RULE_SPAN = 0.8;
const RULE_ASPECT = 8;
/** ... and this many times longer than the other pieces' median extent along it... */
const RULE_OVER_DIGITS = 2.5;
/**
 * ... of those at least this share of its area, or this share of the picture's height tall
 * (small digits written beside a register's heavy rule: a "90" 15 pixels tall beside a rule of
 * 194 read as "1"; specks are a few pixels).
 */
const RULE_OTHERS_AREA = 0.2;
const RULE_OTHERS_HEIGHT = 0.05;

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
    const others = pieces.filter((o) =>
      o !== c &&
      (o.area >= RULE_OTHERS_AREA * c.area || heightOf(o) >= RULE_OTHERS_HEIGHT * map.height)
    );
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
  const broken = brokenRules(pieces, map);
  return pieces.filter((c) => !broken.has(c) && !isRule(c));
}

/**
 * The pieces of upright rules the scan broke into dashes: thin upright pieces (EDGE_RULE_ASPECT)
 * in one column, two or more, that together run from the picture's top edge to its bottom one
 * and far longer than the other pieces are tall (RULE_OVER_DIGITS). Each dash alone can be as
 * short as a digit: a register's page edge, broken in four beside "14", gave a 67-pixel dash
 * beside 38-pixel digits, read as a leading 1. A 1 broken in two spans one digit's height.
 */
function brokenRules(pieces: Component[], map: InkMap): Set<Component> {
  const thin = pieces.filter((c) => heightOf(c) >= EDGE_RULE_ASPECT * widthOf(c))
    .sort((a, b) => a.x0 - b.x0);
  const rules = new Set<Component>();
  // Columns of thin pieces whose spans overlap (within a dash's width), left to right.
  for (let i = 0; i < thin.length;) {
    const column = [thin[i]];
    let x1 = thin[i].x1;
    let j = i + 1;
    for (; j < thin.length && thin[j].x0 <= x1 + widthOf(thin[j]); j++) {
      column.push(thin[j]);
      x1 = Math.max(x1, thin[j].x1);
    }
    i = j;
    if (column.length < 2) continue;
    // A rule runs across the picture: its dashes reach the top edge and the bottom one, where a
    // column of 1s on a form (one per row, under each other) stands clear of them.
    const top = Math.min(...column.map((c) => c.y0)), bottom = Math.max(...column.map((c) => c.y1));
    if (top > 0 || bottom < map.height - 1) continue;
    const span = bottom - top + 1;
    const others = pieces.filter((o) =>
      !column.includes(o) && heightOf(o) >= RULE_OTHERS_HEIGHT * map.height
    ).map(heightOf).sort((a, b) => a - b);
    if (others.length === 0) continue;
    const digits = others[others.length >> 1];
    if (span >= RULE_OVER_DIGITS * digits) {
      for (const c of column) rules.add(c);
    }
  }
  return rules;
}

/** A horizontal run of ink this many digit heights long is a line (an underline), not a digit. */
const LINE_RUN = 1.3;
/** A run of ink along half the picture's side is a ruled line... */
const RULED_RUN = 0.5;
/** ... when it is at most this thick (share of the shorter side, at least 2 pixels)... */
const RULED_THICKNESS = 0.03;
/** ... and the picture is this many times the pieces' median extent along the line. */
const RULED_ROOM = 2.5;

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
  // Ruled lines across and down the picture, where it is far larger than the pieces of ink
  // (in a tight crop of one digit, its own strokes run along half the picture).
  const heaviest = Math.max(0, ...map.components.map((c) => c.mass));
  const substantial = map.components.filter((c) => c.mass >= MIN_SHARE * heaviest);
  const middle = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
  const roomy = (side: number, extents: number[]) => side >= RULED_ROOM * middle(extents);
  const none = () => new Uint8Array(width * height);
  const across = roomy(width, substantial.map(widthOf))
    ? longRuns(isInk, width, height, true, Math.round(RULED_RUN * width))
    : none();
  const thin = Math.max(2, Math.round(RULED_THICKNESS * Math.min(width, height)));
  keepThin(across, width, height, true, thin);
  const down = roomy(height, substantial.map(heightOf))
    ? longRuns(isInk, width, height, false, Math.round(RULED_RUN * height))
    : none();
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

/** A column (row) is margin when this share of its pixels is dark... */
const MARGIN_DARK_SHARE = 0.9;
/** ... darker than this share of the paper's brightness (the 90th percentile). */
const MARGIN_DARK = 0.5;

/**
 * The part of a photo inside the dark bands along its edges (a book's black margin beside a
 * scanned page, the table a sheet lies on), or undefined when there are none. Only cut when
 * what stays is mostly light paper: a white-on-black picture is all dark and keeps its edges.
 */
export function darkMargins(
  image: GrayImage,
): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const { width, height, luminance } = image;
  // The paper's brightness from every 7th pixel: plenty for a percentile, quick on a photo.
  const sample = new Float32Array(Math.ceil(luminance.length / 7));
  for (let i = 0, j = 0; i < luminance.length; i += 7) sample[j++] = luminance[i];
  const dark = MARGIN_DARK * percentile(histogram(sample), 0.9);
  const darkShare = (x0: number, y0: number, x1: number, y1: number) => {
    let n = 0;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) if (luminance[y * width + x] < dark) n++;
    }
    return n / ((x1 - x0 + 1) * (y1 - y0 + 1));
  };
  let x0 = 0, x1 = width - 1, y0 = 0, y1 = height - 1;
  while (x0 < x1 && darkShare(x0, 0, x0, height - 1) >= MARGIN_DARK_SHARE) x0++;
  while (x1 > x0 && darkShare(x1, 0, x1, height - 1) >= MARGIN_DARK_SHARE) x1--;
  while (y0 < y1 && darkShare(x0, y0, x1, y0) >= MARGIN_DARK_SHARE) y0++;
  while (y1 > y0 && darkShare(x0, y1, x1, y1) >= MARGIN_DARK_SHARE) y1--;
  if (x0 === 0 && y0 === 0 && x1 === width - 1 && y1 === height - 1) return undefined;
  // What stays must be mostly paper, and most of the picture's width or height.
  if (x1 - x0 + 1 < 0.3 * width || y1 - y0 + 1 < 0.3 * height) return undefined;
  if (darkShare(x0, y0, x1, y1) > 0.5) return undefined;
  return { x0, y0, x1, y1 };
}

export function cropImage(
  image: GrayImage,
  box: { x0: number; y0: number; x1: number; y1: number },
): GrayImage {
  const width = box.x1 - box.x0 + 1, height = box.y1 - box.y0 + 1;
  const luminance = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (y + box.y0) * image.width + box.x0;
    luminance.set(image.luminance.subarray(from, from + width), y * width);
  }
  return { width, height, luminance };
}

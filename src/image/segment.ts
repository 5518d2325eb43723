/**
 * Finding where the digits of written numbers may be, for a reader that knows digits to choose
 * (segmentation by recognition): the rows of ink top to bottom; in each row the marks that are
 * not digits left out (specks, an underline, a dash, a dot or comma); the rest cut into "atoms"
 * left to right (connected pieces, and slices of wide pieces cut at the valleys where touching
 * digits meet), and every run of neighbouring atoms that could be one digit offered as a
 * candidate, normalized exactly as a digit read alone would be. Which candidates make the
 * number is the reader's choice (src/app/read_number.ts): it scores them with the network.
 */
import type { Component } from "./components.ts";
import type { GrayImage } from "./gray_image.ts";
import { resize } from "./resample.ts";
import {
  findInk,
  inClip,
  type InkMap,
  normalizePieces,
  type PieceClip,
  pieceLevels,
  workingCopy,
} from "./normalize.ts";
import {
  cropImage,
  darkMargins,
  heightOf,
  MIN_HEIGHT_SHARE,
  MIN_SHARE,
  rowsShared,
  SAME_ROW_OVERLAP,
  widthOf,
  withoutLines,
  withoutRules,
} from "./page_rules.ts";
import { type Cut, cutsThrough } from "./touching_cuts.ts";
import { withFaintDigits } from "./faint_digits.ts";

/** A run of neighbouring atoms of a row that may be one digit, ready for the network. */
export interface DigitCandidate {
  /** The first atom it covers and the one after its last (atoms of its row, left to right). */
  from: number;
  to: number;
  /** How many gaps between separate pieces it bridges (0: one piece, or slices of one). */
  gaps: number;
  /**
   * How many strokes the cut it starts at crosses (0 at a gap between pieces): two touching
   * digits meet in one, a digit sliced in two is crossed at two or more (a 0 at its top and
   * bottom).
   */
  cutStrokes: number;
  /** [28 x 28] ink-bright 0..1, like `normalizeDigit(...).pixels`. */
  pixels: Float32Array;
  /** [x, y, width, height] in the original image's pixels. */
  box: [number, number, number, number];
}

/** One row of a picture: its atoms and the candidate digits over them. */
export interface NumberRow {
  /** How many atoms the row has: a reading covers each exactly once. */
  atoms: number;
  /** Every candidate digit, by `from` then `to`; each atom alone is one. */
  candidates: DigitCandidate[];
  /** The height of the row's digits in the image's pixels (the median of its tall pieces). */
  digitHeight: number;
}

/** The rows of digits found in an image, top to bottom; none (with a reason) on a blank page. */
export interface NumberSegments {
  rows: NumberRow[];
  /** Why no digit was found ("no digit found"). */
  reason?: string;
}

/** Limits on how much work one picture may ask of the network (see `segmentNumber`). */
export interface SegmentLimits {
  /** Candidates per row at most (default MAX_CANDIDATES). */
  maxCandidates?: number;
}

/**
 * Two pieces belong to one digit when their columns overlap by this share of the narrower one:
 * digits in a row sit side by side, a digit's own strokes stack above each other.
 */
const SAME_DIGIT_OVERLAP = 0.5;
/** Pieces closer than this share of the line's height are one digit's broken stroke. */
const NEAR_GAP = 0.05;
/**
 * A piece at most this share of the row's digit height tall is a mark, not a digit (a dot, a
 * comma; a small 0 among tall digits is about half their height)...
 */
const MARK_HEIGHT = 0.3;
/**
 * ... and so is a narrow one (at most NARROW_MARK_WIDTH as wide as tall) up to this share: a
 * tick, an apostrophe, the broken end of a rule; a 1 is as tall as its neighbours (a register's
 * "17" was read "171" with a rule's 9-pixel stub beside 20-pixel digits)...
 */
const NARROW_MARK_HEIGHT = 0.5;
const NARROW_MARK_WIDTH = 0.75;
/** ... and so is a flat one (this many times wider than tall) up to this share: a dash. */
const FLAT_MARK_HEIGHT = 0.45;
const FLAT_MARK_ASPECT = 2;
/** ... unless it sits over (this share of its width) the columns of one digit: a 5's bar. */
const MARK_OVER_DIGIT = 0.5;
/**
 * ... and never when it lies wholly below that digit by more than this share of the row
 * height: an underline broken into dashes (a register's "90" read "1" with a dash under its 9),
 * where a digit's own detached strokes (a 5's bar, a 7's cross) are above or beside its body.
 */
const UNDERLINE_GAP = 0.1;
/** A row whose digits are under this share of the tallest row's height holds marks only. */
const MIN_ROW_HEIGHT = 0.5;
/**
 * Pieces wider than this many row heights are searched for cuts (two digits touching are
 * wider). A cap on the candidates, not a decision: whether a wide piece is one digit or two is
 * the network's. Narrower pieces cut offer the network slices of single digits that it reads
 * as confident 1s; since a cut costs the reader per stroke it crosses (read_number.ts), 0.8
 * reads touching pairs with a 1 (narrow) that 1.1 left whole: on 200 touching MNIST numbers of
 * another seed 148 -> 159 (0.7: 159, 0.9: 155), MNIST apart 96 -> 95 of 100. With cuts allowed
 * nearer a piece's sides (touching_cuts.ts: MIN_CUT_PART 0.15 -> 0.12) and in the middle of
 * flat stretches of little ink, 0.6 parts a 1 pressed into a 7, 3, 4 or 9 (a pair 0.7 row heights
 * wide): on 200 touching MNIST numbers of seed 98, 160 -> 166 (165 with read_number.ts's cost
 * of a short 1); written, composed (seeds 11 and 23), MNIST apart and each real digit between
 * neighbours read as before. MIN_CUT_PART 0.08 read
 * 165-167 but sliced a thin 4 of real_digits into more atoms than a candidate spans.
 */
const CUT_FROM_WIDTH = 0.6;
/** A candidate spans at most this many atoms... */
const MAX_ATOMS = 4;
/** ... and at most this many row heights (no digit is wider; a piece never cut is offered). */
const MAX_CANDIDATE_WIDTH = 1.6;
/** Atoms further apart than this share of the row height are not one digit. */
const MAX_JOIN_GAP = 0.25;
/** Candidates per row at most: each is normalized and read by the network (four views). */
export const MAX_CANDIDATES = 120;
/** Pieces of ink considered at most, the heaviest first. */
const MAX_PIECES = 200;
/** Rows read at most, top to bottom (a form's few lines; not a page of print). */
const MAX_ROWS = 8;

/**
 * Finds the rows of a picture of numbers and every way its ink may be cut into digits. An
 * image of one digit gives one row with one candidate.
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
 * const { rows } = segmentNumber(image);
 * assert.equal(rows.length, 1);
 * assert.equal(rows[0].atoms, 2);
 * assert.deepEqual(rows[0].candidates[0].box, [18, 8, 3, 24]);
 * ```
 */
export function segmentNumber(image: GrayImage, limits: SegmentLimits = {}): NumberSegments {
  const margins = darkMargins(image);
  const inner = margins === undefined ? image : cropImage(image, margins);
  const ink = inkAtDigitSize(inner);
  if (ink === undefined) return { rows: [], reason: "no digit found" };
  const lined = withoutLines(ink);
  // The heaviest MAX_PIECES: a number has tens, a page of print thousands (rows and groups are
  // found by merging pairs, which thousands would make slow).
  const bold = inkOfTheNumber(
    withoutRules(
      [...lined.components].sort((a, b) => b.mass - a.mass).slice(0, MAX_PIECES),
      lined,
    ),
  );
  const { map, pieces, uncut } = withFaintDigits(lined, bold);
  if (pieces.length === 0) return { rows: [], reason: "no digit found" };
  const offset = margins === undefined ? { x: 0, y: 0 } : { x: margins.x0, y: margins.y0 };
  const rows: NumberRow[] = [];
  // A page of print would make hundreds of rows: the first MAX_ROWS are read.
  const found = splitRows(pieces).slice(0, MAX_ROWS);
  const tallestRow = Math.max(...found.map(rowHeight));
  for (const row of found) {
    const lineHeight = rowHeight(row);
    // A row of marks only (an underline with nothing above it in its band, a stray line).
    if (lineHeight < MIN_ROW_HEIGHT * tallestRow) continue;
    const groups = groupPieces(withoutMarks(row, lineHeight), lineHeight);
    if (groups.length === 0) continue;
    const atoms = atomsOf(map, groups, lineHeight, uncut);
    // Broken digits (a ring in four strokes) make the median piece short: a candidate may be as
    // wide as the tallest group allows.
    const tallest = Math.max(
      ...groups.map((g) => Math.max(...g.map((c) => c.y1)) - Math.min(...g.map((c) => c.y0)) + 1),
    );
    const candidates = candidatesOf(
      map,
      atoms,
      lineHeight,
      Math.max(lineHeight, tallest),
      offset,
      limits,
    );
    rows.push({ atoms: atoms.length, candidates, digitHeight: lineHeight * map.scale });
  }
  if (rows.length === 0) return { rows: [], reason: "no digit found" };
  return { rows };
}

/** Digits taller than this (working pixels) are found again on a smaller copy... */
const MAX_WORKING_DIGIT = 160;
/** ... where they are this tall: plenty for a 20-pixel box, and every candidate costs less. */
const WORKING_DIGIT = 120;

/**
 * `findInk`, on a copy small enough that the digits (the median height of the pieces of some
 * size) are at most MAX_WORKING_DIGIT pixels tall: a phone photo's digits are often many
 * hundreds of pixels even in the 1024-pixel working copy, and each candidate's normalizing
 * works on its pixels.
 */
function inkAtDigitSize(image: GrayImage): InkMap | undefined {
  const work = workingCopy(image);
  const first = findInk(work);
  if (first === undefined || first.components.length === 0) return withScale(first, image, work);
  const largest = Math.max(...first.components.map((c) => c.area));
  const heights = first.components.filter((c) => c.area >= 0.05 * largest).map(heightOf)
    .sort((a, b) => a - b);
  const digit = heights[heights.length >> 1];
  if (digit <= MAX_WORKING_DIGIT) return withScale(first, image, work);
  const width = Math.max(1, Math.round((work.width * WORKING_DIGIT) / digit));
  const height = Math.max(1, Math.round((work.height * WORKING_DIGIT) / digit));
  const small = resize(work.luminance, work.width, work.height, width, height);
  return withScale(findInk({ width, height, luminance: small }), image, { width });
}

/** An ink map of a copy `width` wide, its scale given in `image`'s pixels. */
function withScale(
  map: InkMap | undefined,
  image: GrayImage,
  copy: { width: number },
): InkMap | undefined {
  return map && { ...map, scale: image.width / copy.width };
}

/**
 * Some pieces between columns x0..x1: a whole group of pieces, or the part of it between two
 * cuts (`left`, `right`; absent at the group's ends).
 */
interface Atom {
  pieces: Component[];
  x0: number;
  x1: number;
  left?: Cut;
  right?: Cut;
}

/**
 * Every run of up to MAX_ATOMS neighbouring atoms that could be one digit (no gap wider than
 * MAX_JOIN_GAP row heights inside, no wider than MAX_CANDIDATE_WIDTH times the tallest group
 * unless it is one atom), normalized
 * each with its own ink levels. When there are more than the limit, the longest runs go first.
 */
function candidatesOf(
  map: InkMap,
  atoms: Atom[],
  lineHeight: number,
  tallestGroup: number,
  offset: { x: number; y: number },
  limits: SegmentLimits,
): DigitCandidate[] {
  const spans: [number, number][] = [];
  for (let from = 0; from < atoms.length; from++) {
    for (let to = from + 1; to <= Math.min(atoms.length, from + MAX_ATOMS); to++) {
      if (to > from + 1) {
        const gap = atoms[to - 1].x0 - atoms[to - 2].x1 - 1;
        if (gap > MAX_JOIN_GAP * lineHeight) break;
        if (atoms[to - 1].x1 - atoms[from].x0 + 1 > MAX_CANDIDATE_WIDTH * tallestGroup) break;
      }
      spans.push([from, to]);
    }
  }
  // A piece sliced into more atoms than a candidate spans is still offered whole (a thin wide
  // 4 cut at five valleys was read "67"), when it is no wider than a digit may be.
  for (let from = 0; from < atoms.length;) {
    let to = from + 1;
    while (to < atoms.length && atoms[to].pieces === atoms[from].pieces) to++;
    const width = atoms[to - 1].x1 - atoms[from].x0 + 1;
    if (to - from > MAX_ATOMS && width <= MAX_CANDIDATE_WIDTH * tallestGroup) {
      spans.push([from, to]);
    }
    from = to;
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const most = limits.maxCandidates ?? MAX_CANDIDATES;
  // Over the limit: single atoms always stay (a reading needs them), then shorter runs.
  const kept = spans.length <= most
    ? spans
    : [...spans].sort((a, b) => (a[1] - a[0]) - (b[1] - b[0]))
      .slice(0, Math.max(most, atoms.length))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return kept.map(([from, to]) => {
    const run = atoms.slice(from, to);
    const pieces = [...new Set(run.flatMap((a) => a.pieces))];
    const last = run[run.length - 1];
    const clip: PieceClip = { x0: run[0].x0, x1: last.x1, left: run[0].left, right: last.right };
    let gaps = 0;
    for (let i = from + 1; i < to; i++) if (atoms[i].pieces !== atoms[i - 1].pieces) gaps++;
    const cutStrokes = atoms[from].left?.strokes ?? 0;
    return { from, to, gaps, cutStrokes, ...digitOf(map, pieces, clip, offset) };
  });
}

function digitOf(
  map: InkMap,
  pieces: Component[],
  clip: PieceClip,
  offset: { x: number; y: number },
): { pixels: Float32Array; box: [number, number, number, number] } {
  const bounds = inkBoundsIn(map, pieces, clip);
  const levels = pieceLevels(map, pieces, clip);
  const s = map.scale;
  return {
    pixels: normalizePieces(map, pieces, clip, { levels }),
    box: [
      offset.x + Math.round(bounds.x0 * s),
      offset.y + Math.round(bounds.y0 * s),
      Math.max(1, Math.round((bounds.x1 - bounds.x0 + 1) * s)),
      Math.max(1, Math.round((bounds.y1 - bounds.y0 + 1) * s)),
    ],
  };
}

/** The box of the pieces' own pixels inside `clip`. */
function inkBoundsIn(map: InkMap, pieces: Component[], clip: PieceClip) {
  const labels = new Set(pieces.map((c) => c.label));
  const y0 = Math.min(...pieces.map((c) => c.y0)), y1 = Math.max(...pieces.map((c) => c.y1));
  const x0 = Math.max(clip.x0, Math.min(...pieces.map((c) => c.x0)));
  const x1 = Math.min(clip.x1, Math.max(...pieces.map((c) => c.x1)));
  let top = y1 + 1, bottom = -1, left = x1 + 1, right = -1;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!labels.has(map.labels[y * map.width + x]) || !inClip(clip, x, y)) continue;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  if (right < 0) return { x0, x1, y0, y1 };
  return { x0: left, x1: right, y0: top, y1: bottom };
}

/**
 * The atoms of a row: each group whole, or, when it is wide enough to hold two digits, cut at
 * its valleys: columns where little ink passes (the projection profile's minima), where the
 * top contour dips or the bottom contour rises (two round digits touching at one point).
 * Groups of `uncut` pieces only (faint digits, faint_digits.ts) stay whole.
 */
function atomsOf(
  map: InkMap,
  groups: Component[][],
  lineHeight: number,
  uncut: Set<number>,
): Atom[] {
  const atoms: Atom[] = [];
  for (const group of groups) {
    const x0 = Math.min(...group.map((c) => c.x0)), x1 = Math.max(...group.map((c) => c.x1));
    const whole = group.every((c) => uncut.has(c.label));
    const cuts = !whole && x1 - x0 + 1 > CUT_FROM_WIDTH * lineHeight
      ? cutsThrough(map, group, lineHeight)
      : [];
    let left: Cut | undefined;
    for (const right of [...cuts, undefined]) {
      atoms.push({
        pieces: group,
        x0: left === undefined ? x0 : Math.min(...left.xs),
        x1: right === undefined ? x1 : Math.max(...right.xs) - 1,
        left,
        right,
      });
      left = right;
    }
  }
  return atoms;
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
 * Pieces that share no column are one row already when their heights overlap by this share of
 * the shorter: a digit written well below its neighbour (a wandering baseline: MNIST "65" with
 * the 5 three quarters of a digit lower was read as two rows), where a second row of a form
 * sits under the first, sharing columns.
 */
const SIDE_BY_SIDE_OVERLAP = 0.1;

/**
 * The rows of a picture, top to bottom: tall pieces (at least MIN_HEIGHT_SHARE of the tallest)
 * whose heights overlap by SAME_ROW_OVERLAP of the shorter (SIDE_BY_SIDE_OVERLAP when they
 * share no column) are one row; the short ones join the row their middle falls in (or the
 * nearest).
 */
function splitRows(pieces: Component[]): Component[][] {
  const tallest = Math.max(...pieces.map(heightOf));
  const tall = pieces.filter((c) => heightOf(c) >= MIN_HEIGHT_SHARE * tallest);
  const bands = tall.map((c) => ({ x0: c.x0, x1: c.x1, y0: c.y0, y1: c.y1, pieces: [c] }));
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < bands.length && !merged; i++) {
      for (let j = i + 1; j < bands.length && !merged; j++) {
        const a = bands[i], b = bands[j];
        const overlap = rowsShared(a, b);
        const shorter = Math.min(...[...a.pieces, ...b.pieces].map(heightOf));
        const sideBySide = Math.min(a.x1, b.x1) < Math.max(a.x0, b.x0);
        if (overlap >= (sideBySide ? SIDE_BY_SIDE_OVERLAP : SAME_ROW_OVERLAP) * shorter) {
          a.pieces.push(...b.pieces);
          a.x0 = Math.min(a.x0, b.x0), a.x1 = Math.max(a.x1, b.x1);
          a.y0 = Math.min(a.y0, b.y0), a.y1 = Math.max(a.y1, b.y1);
          bands.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  for (const c of pieces) {
    if (tall.includes(c)) continue;
    const middle = (c.y0 + c.y1) / 2;
    const distance = (b: { y0: number; y1: number }) =>
      middle < b.y0 ? b.y0 - middle : middle > b.y1 ? middle - b.y1 : 0;
    bands.reduce((best, b) => distance(b) < distance(best) ? b : best).pieces.push(c);
  }
  return bands.sort((a, b) => a.y0 - b.y0).map((b) => b.pieces);
}

/**
 * The height of a row's digits: the median height of its tall pieces, the lower of the two
 * middle ones (digits that touch on a wandering baseline make one taller piece).
 */
function rowHeight(row: Component[]): number {
  const tallest = Math.max(...row.map(heightOf));
  const heights = row.map(heightOf).filter((h) => h >= MIN_HEIGHT_SHARE * tallest);
  return heights.sort((a, b) => a - b)[(heights.length - 1) >> 1];
}

/**
 * Leaves out what is not a digit: short, narrow or flat pieces (a dot, a comma, a tick, a dash,
 * an underline, a frame's edge; MARK_HEIGHT, NARROW_MARK_HEIGHT, FLAT_MARK_HEIGHT) unless one
 * digit's columns hold most of them and they are not well below it (a 5's detached bar, a 7's cross stroke, the dot a broken
 * stroke left).
 */
function withoutMarks(row: Component[], lineHeight: number): Component[] {
  const isMark = (c: Component) =>
    heightOf(c) <= MARK_HEIGHT * lineHeight ||
    (heightOf(c) <= NARROW_MARK_HEIGHT * lineHeight &&
      widthOf(c) <= NARROW_MARK_WIDTH * heightOf(c)) ||
    (heightOf(c) <= FLAT_MARK_HEIGHT * lineHeight && widthOf(c) >= FLAT_MARK_ASPECT * heightOf(c));
  const digits = row.filter((c) => !isMark(c));
  const marks = row.filter(isMark);
  const kept = [...digits];
  for (const mark of marks) {
    const width = mark.x1 - mark.x0 + 1;
    const over = digits.filter((d) =>
      Math.min(d.x1, mark.x1) - Math.max(d.x0, mark.x0) + 1 >= MARK_OVER_DIGIT * width
    );
    if (over.length === 1 && mark.y0 - over[0].y1 <= UNDERLINE_GAP * lineHeight) kept.push(mark);
  }
  return kept;
}

/**
 * Groups the pieces of each digit, left to right: pieces whose columns overlap (a 5's bar over
 * its body, the two strokes of a 4) or that nearly touch (a thin pen's stroke broken by the
 * scan) are one digit. A group's box grows as pieces join.
 */
function groupPieces(pieces: Component[], lineHeight: number): Component[][] {
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

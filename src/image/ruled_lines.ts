import { histogram, percentile } from "./histogram.ts";

/** A pixel this much darker than the paper's median (as a fraction of it) is dark. */
const DARK = 0.15;
/** A row (column) is a line when this share of its pixels is dark: no digit's bar is that long. */
const LINE_SHARE = 0.9;
/** Lines and frames this close to the edge (share of the side) are trimmed with the border. */
const BORDER_REACH = 0.15;
/** An inner line is at most this thick (share of the side, at least 2 pixels). */
const MAX_LINE = 0.03;
/**
 * A dark band from the edge is a frame, a page's edge or the table beside the paper when the
 * paper steps up by this share of the median within STEP_REACH of the side somewhere in it:
 * the shading of a vignette darkens the corners gradually, and painting it over erased a
 * digit written near the edge (a 5 at the right of a webcam photo of "7895").
 */
const EDGE_STEP = 0.5 * DARK;
const STEP_REACH = 0.02;

/**
 * Paints out what a photo or screenshot has besides the digit along whole rows or columns: a
 * frame or border, a page's edge or the table beside it, ruled lines. `paper` is [height x
 * width] with dark ink on light paper; returns a copy. A row counts when 90% of it is dark
 * (a digit's bar in a tight 28x28 canvas covers about 70%): runs of such rows from an edge are
 * painted like the row next to them, thin runs inside are interpolated from the rows either side
 * (where a digit's stroke crosses a ruled line, its rows above and below carry on through).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeRuledLines } from "./ruled_lines.ts";
 *
 * // 20x20 white with a ruled line on row 10 and a stroke down column 5.
 * const paper = new Float32Array(400).fill(0.9);
 * paper.fill(0.3, 200, 220);
 * for (let y = 2; y < 18; y++) paper[y * 20 + 5] = 0.1;
 * const cleaned = removeRuledLines(paper, 20, 20);
 * assert.ok(cleaned[10 * 20 + 12] > 0.85); // the line is gone
 * assert.ok(cleaned[10 * 20 + 5] < 0.2); // the stroke goes on through it
 * ```
 */
export function removeRuledLines(paper: Float32Array, width: number, height: number): Float32Array {
  const out = paper.slice();
  const median = percentile(histogram(paper), 0.5);
  const dark = median * (1 - DARK);
  // Rows, then columns (on the rows' result: a frame's corners are gone by then).
  const isLineRow = (y: number) => {
    let count = 0;
    for (let x = 0; x < width; x++) if (out[y * width + x] < dark) count++;
    return count >= LINE_SHARE * width;
  };
  const isLineColumn = (x: number) => {
    let count = 0;
    for (let y = 0; y < height; y++) if (out[y * width + x] < dark) count++;
    return count >= LINE_SHARE * height;
  };
  const rows = lineRuns(height, isLineRow).filter(([from, to]) =>
    isStep(from, to, height, memo(height, (y) => paperLevel(out, y * width, 1, width)))
  );
  for (const [from, to] of rows) {
    paintRun(from, to, height, median, (y) => y * width, 1, width, out);
  }
  const columns = lineRuns(width, isLineColumn).filter(([from, to]) =>
    isStep(from, to, width, memo(width, (x) => paperLevel(out, x, width, height)))
  );
  for (const [from, to] of columns) paintRun(from, to, width, median, (x) => x, width, height, out);
  return out;

  /** An inner run, or one from the edge that steps up to brighter paper somewhere along it. */
  function isStep(from: number, to: number, length: number, level: (i: number) => number) {
    if (from > 0 && to < length - 1) return true;
    if (from === 0 && to === length - 1) return true;
    const reach = Math.max(3, Math.round(STEP_REACH * length));
    const inward = from === 0 ? 1 : -1;
    for (let i = from; i <= to; i++) {
      const inside = i + inward * reach;
      if (inside < 0 || inside >= length) return true;
      if (level(inside) - level(i) >= EDGE_STEP * median) return true;
    }
    return false;
  }
}

/** `f`, each of its `length` values computed once. */
function memo(length: number, f: (i: number) => number): (i: number) => number {
  const known = new Float32Array(length).fill(NaN);
  return (i) => Number.isNaN(known[i]) ? (known[i] = f(i)) : known[i];
}

/**
 * How bright the paper of one row or column is (`count` pixels from `start`, `step` apart):
 * its 90th percentile, which a stroke along it cannot darken. The median could: the upright
 * stroke of a 4 beside a webcam photo's shaded edge darkened its columns' medians by a step,
 * and the shading, taken for a table beside the paper, was painted over with the stroke.
 */
function paperLevel(pixels: Float32Array, start: number, step: number, count: number): number {
  const values = new Float32Array(count);
  for (let k = 0; k < count; k++) values[k] = pixels[start + k * step];
  return values.sort()[Math.floor(0.9 * (count - 1))];
}

/** Runs [from, to] of line rows: those touching an edge (within BORDER_REACH), or thin ones. */
function lineRuns(length: number, isLine: (i: number) => boolean): [number, number][] {
  const line = Array.from({ length }, (_, i) => isLine(i));
  const runs: [number, number][] = [];
  const reach = Math.floor(BORDER_REACH * length);
  const thin = Math.max(2, Math.round(MAX_LINE * length));
  for (let i = 0; i < length;) {
    if (!line[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < length && line[j + 1]) j++;
    const atEdge = (i === 0 && j < reach) || (j === length - 1 && i >= length - reach);
    if (atEdge || (i > 0 && j < length - 1 && j - i + 1 <= thin)) runs.push([i, j]);
    i = j + 1;
  }
  return runs;
}

/**
 * Repaints lines from..to of a grid: from the lines just outside the run, blended linearly
 * across it; where the run reaches the edge, the line inside it repeated (the paper's median
 * when the run is the whole grid). `start(i)` is the index of
 * line i's first pixel, `step` the stride along it, `count` its pixels.
 */
function paintRun(
  from: number,
  to: number,
  length: number,
  median: number,
  start: (i: number) => number,
  step: number,
  count: number,
  out: Float32Array,
) {
  const before = from - 1, after = to + 1;
  for (let i = from; i <= to; i++) {
    const t = (i - before) / (after - before);
    for (let k = 0; k < count; k++) {
      // At an edge, the line just inside carries on outwards (a vignette's shading with it).
      const a = before >= 0 ? out[start(before) + k * step] : undefined;
      const b = after < length ? out[start(after) + k * step] : undefined;
      out[start(i) + k * step] = a === undefined
        ? b ?? median
        : b === undefined
        ? a
        : (1 - t) * a + t * b;
    }
  }
}

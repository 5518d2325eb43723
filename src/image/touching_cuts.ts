/**
 * Where two touching digits may be parted (segment.ts offers each part to the network): cuts
 * from the top of a group of pieces to its bottom, each starting at a valley (of the ink
 * profile, of the top and bottom contours, or of the least ink a path down through a column
 * crosses) and running along the least ink, so leaning and overlapping digits are parted round
 * their strokes instead of bitten into. Each cut says how many strokes it crosses: the reader
 * charges for them (src/app/read_number.ts).
 *
 * @module
 */
import type { Component } from "./components.ts";
import type { InkMap } from "./normalize.ts";

/** A cut through touching digits: for each row y0.. of their pieces, the right side's first column. */
export interface Cut {
  y0: number;
  xs: Int32Array;
  /** How many strokes it crosses: the ink it crosses over that of one stroke across. */
  strokes: number;
}

/**
 * A cut leaves at least this share of the row height on each side: a 1 pressed into its
 * neighbour is little wider (see CUT_FROM_WIDTH in segment.ts for what 0.12 changed against
 * 0.15; 0.08 also sliced a thin broken 4 into more atoms than a candidate spans).
 */
const MIN_CUT_PART = 0.12;
/** A valley is at least this deep (share of the most ink in a column, or of the row height). */
const VALLEY_DEPTH = 0.1;
/** Cuts closer than this share of the row height are one. */
const CUT_SPACING = 0.12;
/** At most this many cuts through one piece (the lowest valleys first). */
const MAX_CUTS = 8;

/**
 * The cuts through a group of touching pieces `lineHeight` tall, left to right, never crossing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findInk } from "./normalize.ts";
 * import { grayImage } from "./gray_image.ts";
 * import { cutsThrough } from "./touching_cuts.ts";
 *
 * // Two rings 30 wide side by side, touching: "00".
 * const image = grayImage(100, 60, new Float32Array(100 * 60).fill(1));
 * for (let y = 0; y < 60; y++) {
 *   for (let x = 0; x < 100; x++) {
 *     for (const cx of [35, 64]) {
 *       const r = Math.hypot((x - cx) / 15, (y - 30) / 22);
 *       if (r > 0.8 && r < 1) image.luminance[y * 100 + x] = 0;
 *     }
 *   }
 * }
 * const map = findInk(image)!;
 * const cuts = cutsThrough(map, map.components, 44);
 * assert.ok(cuts.length >= 1);
 * assert.ok(cuts.some((cut) => Math.abs(cut.xs[cut.xs.length >> 1] - 50) <= 3)); // between them
 * ```
 */
export function cutsThrough(map: InkMap, group: Component[], lineHeight: number): Cut[] {
  const grid = groupInk(map, group);
  return cutsAt(grid, valleys(grid, lineHeight), lineHeight);
}

/** [height x width] the ink of one group's own pixels (0 elsewhere) from column x0, row y0. */
interface GroupInk {
  x0: number;
  y0: number;
  width: number;
  height: number;
  ink: Float32Array;
}

function groupInk(map: InkMap, group: Component[]): GroupInk {
  const labels = new Set(group.map((c) => c.label));
  const x0 = Math.min(...group.map((c) => c.x0)), x1 = Math.max(...group.map((c) => c.x1));
  const y0 = Math.min(...group.map((c) => c.y0)), y1 = Math.max(...group.map((c) => c.y1));
  const width = x1 - x0 + 1, height = y1 - y0 + 1;
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y + y0) * map.width + x0 + x;
      if (labels.has(map.labels[at])) ink[y * width + x] = Math.max(0, map.ink[at]);
    }
  }
  return { x0, y0, width, height, ink };
}

/**
 * How far (share of the row height) a cut may stray from the valley it starts at, following
 * the gap between two slanted or overlapping digits...
 */
const CUT_REACH = 0.2;
/** ... at a cost per row, at the full reach, of this much ink (1 = a pixel of black stroke). */
const CUT_STRAY_COST = 0.05;

/**
 * A cut down from each valley column (`starts`), along the least ink: the path from the
 * group's top row to its bottom, one column left, right or straight on per row, that crosses
 * the least ink of the group within CUT_REACH row heights of its start (dynamic programming over
 * rows: cost[y][x] = ink[y][x] + stray + min of cost[y-1][x-1..x+1]). Where digits overlap or
 * lean, a straight cut takes a bite of one into the other; this one goes round. Left to right,
 * never crossing.
 */
function cutsAt(grid: GroupInk, starts: number[], lineHeight: number): Cut[] {
  const { x0, y0, width, height: rows, ink } = grid;
  const reach = Math.max(1, Math.round(CUT_REACH * lineHeight));
  const cuts: Cut[] = [];
  const stroke = strokeInk(grid);
  for (const start of starts) {
    // Columns of the grid the cut may take (its first column is the right side's).
    const lo = Math.max(1, start - x0 - reach), hi = Math.min(width - 1, start - x0 + reach);
    const w = hi - lo + 1;
    // [rows x w] the least cost of a path from the top row to each pixel, and where it came from.
    const cost = new Float32Array(rows * w);
    const from = new Int8Array(rows * w);
    for (let y = 0; y < rows; y++) {
      for (let i = 0; i < w; i++) {
        let step = 0;
        if (y > 0) {
          let best = cost[(y - 1) * w + i];
          if (i > 0 && cost[(y - 1) * w + i - 1] < best) {
            best = cost[(y - 1) * w + i - 1], step = -1;
          }
          if (i < w - 1 && cost[(y - 1) * w + i + 1] < best) {
            best = cost[(y - 1) * w + i + 1], step = 1;
          }
          cost[y * w + i] = best;
        }
        from[y * w + i] = step;
        cost[y * w + i] += ink[y * width + lo + i] +
          (CUT_STRAY_COST * Math.abs(x0 + lo + i - start)) / reach;
      }
    }
    let end = 0;
    for (let i = 1; i < w; i++) if (cost[(rows - 1) * w + i] < cost[(rows - 1) * w + end]) end = i;
    const xs = new Int32Array(rows);
    let crossed = 0;
    for (let y = rows - 1, i = end; y >= 0; y--) {
      xs[y] = x0 + lo + i;
      crossed += ink[y * width + lo + i];
      i += from[y * w + i];
    }
    cuts.push({ y0, xs, strokes: crossed / stroke });
  }
  const mean = (c: Cut) => c.xs.reduce((sum, x) => sum + x, 0) / c.xs.length;
  cuts.sort((a, b) => mean(a) - mean(b));
  // A cut never crosses the one left of it; two that leave next to no ink between them (they
  // found the same gap) are one, and so is a cut with next to no ink right of it.
  const inkBetween = (left: Cut | undefined, right: Cut | undefined) => {
    let n = 0;
    for (let y = 0; y < rows; y++) {
      const from = left === undefined ? 0 : left.xs[y] - x0;
      const to = right === undefined ? width : right.xs[y] - x0;
      for (let x = from; x < to; x++) if (ink[y * width + x] > 0) n++;
    }
    return n;
  };
  const area = inkBetween(undefined, undefined);
  const kept: Cut[] = [];
  for (const cut of cuts) {
    const before = kept[kept.length - 1];
    if (before !== undefined) {
      for (let y = 0; y < rows; y++) cut.xs[y] = Math.max(cut.xs[y], before.xs[y]);
    }
    if (inkBetween(before, cut) < MIN_ATOM_INK * area) continue;
    kept.push(cut);
  }
  while (kept.length > 0 && inkBetween(kept[kept.length - 1], undefined) < MIN_ATOM_INK * area) {
    kept.pop();
  }
  return kept;
}

/**
 * A slice between two cuts holds at least this share of its group's ink pixels: cuts from
 * neighbouring valleys that found the same way round leave slivers that only repeat other
 * candidates (the 4000x3000 bench photo: 26 candidates -> 20, the readings the same).
 */
const MIN_ATOM_INK = 0.03;

/** Columns where a group may be cut (each the first column of the right part), left to right. */
function valleys(grid: GroupInk, lineHeight: number): number[] {
  const { x0, width, height, ink } = grid;
  // Ink per column, and each column's top and bottom ink row.
  const profile = new Float32Array(width);
  const tops = new Float32Array(width).fill(height), bottoms = new Float32Array(width).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = ink[y * width + x];
      if (v === 0) continue;
      profile[x] += v;
      if (y < tops[x]) tops[x] = y;
      if (y > bottoms[x]) bottoms[x] = y;
    }
  }
  const margin = Math.max(2, Math.round(MIN_CUT_PART * lineHeight));
  const smooth = smoothed(profile, Math.max(1, Math.round(0.03 * lineHeight)));
  const found: { x: number; depth: number }[] = [];
  const reach = Math.max(1, Math.round(0.1 * lineHeight));
  const maxInk = Math.max(...smooth);
  // A valley: nothing lower within `reach`, and higher ground by `rise` on both sides within
  // twice that (a flat stretch, like the inside of a 0 between its bars, is no valley).
  const isValley = (v: Float32Array, i: number, rise: number) => {
    let left = -Infinity, right = -Infinity;
    for (let j = Math.max(0, i - 2 * reach); j <= Math.min(v.length - 1, i + 2 * reach); j++) {
      if (Math.abs(j - i) <= reach && v[j] < v[i]) return false;
      if (j < i) left = Math.max(left, v[j]);
      if (j > i) right = Math.max(right, v[j]);
    }
    return Math.min(left, right) - v[i] >= rise;
  };
  for (let i = margin; i < width - margin; i++) {
    if (isValley(smooth, i, VALLEY_DEPTH * maxInk)) found.push({ x: i, depth: smooth[i] / maxInk });
  }
  const lowTop = smoothed(tops.map((v) => -v), 1);
  const highBottom = smoothed(bottoms, 1);
  const rise = VALLEY_DEPTH * lineHeight;
  for (let i = margin; i < width - margin; i++) {
    if (isValley(lowTop, i, rise) || isValley(highBottom, i, rise)) {
      found.push({ x: i, depth: 0.5 + smooth[i] / maxInk });
    }
  }
  // Digits that lean or overlap leave no empty column, but a way round: the least ink a path
  // down through each column's middle crosses.
  const through = inkCrossedThrough(grid);
  const mostThrough = Math.max(...through);
  for (let i = margin; i < width - margin; i++) {
    if (isValley(through, i, VALLEY_DEPTH * mostThrough)) {
      found.push({ x: i, depth: THROUGH_RANK + through[i] / mostThrough });
    }
  }
  // A leaning 1 pressed between two digits leaves a wide flat stretch of little ink (paths slip
  // down between the leaning strokes anywhere along it): no column of it is a valley by the rule
  // above, so the middle of such a stretch, lower than the ground either side, is one. Only
  // where a path must cross some ink: an ink-free stretch inside one digit (a thin open 4 in
  // separate strokes) is no place to part it (a composed "83459" read "834159").
  const flatRise = VALLEY_DEPTH * mostThrough;
  for (let a = margin; a < width - margin;) {
    let b = a;
    while (b + 1 < width - margin && Math.abs(through[b + 1] - through[a]) <= flatRise / 2) b++;
    if (b - a + 1 > 2 * reach) {
      let left = -Infinity, right = -Infinity;
      for (let j = Math.max(0, a - 2 * reach); j < a; j++) left = Math.max(left, through[j]);
      for (let j = b + 1; j <= Math.min(width - 1, b + 2 * reach); j++) {
        right = Math.max(right, through[j]);
      }
      let floor = Infinity;
      for (let j = a; j <= b; j++) floor = Math.min(floor, through[j]);
      if (floor > 0 && Math.min(left, right) - floor >= flatRise) {
        const x = (a + b) >> 1;
        found.push({ x, depth: THROUGH_RANK + through[x] / mostThrough });
      }
    }
    a = b + 1;
  }
  found.sort((a, b) => a.depth - b.depth);
  const chosen: number[] = [];
  const spacing = Math.max(2, CUT_SPACING * lineHeight);
  for (const f of found) {
    if (chosen.length >= MAX_CUTS) break;
    if (chosen.every((c) => Math.abs(c - f.x) >= spacing)) chosen.push(f.x);
  }
  return chosen.sort((a, b) => a - b).map((x) => x0 + x);
}

const THROUGH_RANK = 0;

/**
 * The ink a cut crosses going through one stroke: the median over the group's pixels of the
 * shorter of its runs across and down (a stroke's width), times their mean ink.
 */
function strokeInk(grid: GroupInk): number {
  const { width: w, height: h, ink } = grid;
  let inkSum = 0, count = 0;
  for (let i = 0; i < w * h; i++) if (ink[i] > 0) inkSum += ink[i], count++;
  if (count === 0) return 1;
  const across = new Uint16Array(w * h), down = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w;) {
      if (ink[y * w + x] === 0) {
        x++;
        continue;
      }
      let end = x;
      while (end < w && ink[y * w + end] > 0) end++;
      for (let k = x; k < end; k++) across[y * w + k] = end - x;
      x = end;
    }
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h;) {
      if (ink[y * w + x] === 0) {
        y++;
        continue;
      }
      let end = y;
      while (end < h && ink[end * w + x] > 0) end++;
      for (let k = y; k < end; k++) down[k * w + x] = end - y;
      y = end;
    }
  }
  const widths: number[] = [];
  for (let i = 0; i < w * h; i++) if (ink[i] > 0) widths.push(Math.min(across[i], down[i]));
  widths.sort((a, b) => a - b);
  return Math.max(1, widths[widths.length >> 1]) * (inkSum / count);
}

/**
 * For each column x0..x1, the least ink of the group's `labels` that a path from the top row
 * y0 to the bottom row y1 crosses when it passes the middle row at that column (one column
 * either way per row; the sum of a path from the top and one from the bottom).
 */
function inkCrossedThrough(grid: GroupInk): Float32Array {
  const { width: w, height: h, ink } = grid;
  const middle = (h - 1) >> 1;
  // Least ink from the row `from` to each column of the middle row, a row at a time.
  const toMiddle = (from: number, step: number) => {
    let cost = ink.slice(from * w, from * w + w), next = new Float32Array(w);
    for (let y = from + step; y !== middle + step; y += step) {
      for (let x = 0; x < w; x++) {
        let best = cost[x];
        if (x > 0 && cost[x - 1] < best) best = cost[x - 1];
        if (x < w - 1 && cost[x + 1] < best) best = cost[x + 1];
        next[x] = best + ink[y * w + x];
      }
      [cost, next] = [next, cost];
    }
    return cost;
  };
  const down = toMiddle(0, 1), up = toMiddle(h - 1, -1);
  return down.map((v, x) => v + up[x] - ink[middle * w + x]);
}

function smoothed(values: Float32Array, radius: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let sum = 0, n = 0;
    for (let j = Math.max(0, i - radius); j <= Math.min(values.length - 1, i + radius); j++) {
      sum += values[j], n++;
    }
    out[i] = sum / n;
  }
  return out;
}

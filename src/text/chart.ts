import { type ColorLevel, paint } from "./color.ts";
import { alignRight, fitWidth, visibleWidth } from "./layout.ts";

const SPARKS = "▁▂▃▄▅▆▇█";

/** Options for {@linkcode sparkline}. */
export interface SparklineOptions {
  /** At most this many characters; longer series are averaged into buckets. */
  width?: number;
  /** Scale bounds; default: the series' own min and max. */
  min?: number;
  max?: number;
  color: ColorLevel;
  /** An ansis color name for the bars, e.g. "cyan" (default: none). */
  tint?: "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "gray";
}

/**
 * Draws a series as one line of `▁▂▃▄▅▆▇█`, lowest value as `▁`. Non-finite values show as a
 * space.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sparkline } from "./chart.ts";
 *
 * assert.equal(sparkline([1, 2, 3, 4], { color: "none" }), "▁▃▆█");
 * ```
 */
export function sparkline(values: ArrayLike<number>, options: SparklineOptions): string {
  const series = resample(Array.from(values), options.width ?? values.length);
  const finite = series.filter(Number.isFinite);
  const min = options.min ?? Math.min(...finite);
  const max = options.max ?? Math.max(...finite);
  const span = max - min;
  let text = "";
  for (const v of series) {
    if (!Number.isFinite(v)) text += " ";
    else {
      const level = span > 0 ? (v - min) / span : 0.5;
      const clamped = Math.min(1, Math.max(0, level));
      text += SPARKS[Math.round(clamped * (SPARKS.length - 1))];
    }
  }
  const c = paint(options.color);
  return options.tint ? c[options.tint](text) : text;
}

/** Shrinks a series to at most `width` points by averaging equal buckets. */
function resample(values: number[], width: number): number[] {
  if (values.length <= width) return values;
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor(i * values.length / width);
    const to = Math.floor((i + 1) * values.length / width);
    let sum = 0;
    let count = 0;
    for (let j = from; j < to; j++) {
      if (Number.isFinite(values[j])) {
        sum += values[j];
        count++;
      }
    }
    out.push(count > 0 ? sum / count : NaN);
  }
  return out;
}

/** One line of a {@linkcode lineChart}. */
export interface ChartSeries {
  label: string;
  values: ArrayLike<number>;
  /**
   * Where each value sits on the x axis (e.g. in epochs), for a chart with `xRange`; default:
   * the values spread evenly from left to right.
   */
  xs?: ArrayLike<number>;
  /** Scale bounds for this series; default: its own min and max. */
  min?: number;
  max?: number;
  /** Formats the axis labels (default: 3 significant digits). */
  format?: (value: number) => string;
  /** Draw each point as a visible mark (a few dots) besides the lines between them. */
  marks?: boolean;
}

/** Options for {@linkcode lineChart}. */
export interface LineChartOptions {
  /** Total columns, axis labels included. */
  width: number;
  /** Rows of the plot itself; the legend adds one more line (and an x axis two more). */
  height: number;
  color: ColorLevel;
  /**
   * The x axis: series' `xs` are placed between `min` and `max`, and two lines below the plot
   * show it with a tick and a label at every whole `unit` that fits ("epoch").
   */
  xRange?: { min: number; max: number; unit: string };
  /**
   * One scale, labeled on the left, for all series (runs compared on one measure); default:
   * each series its own scale, the second labeled on the right.
   */
  sharedScale?: boolean;
}

// Braille dot bits by [row][column] inside one 2x4 cell (Unicode braille pattern order).
const DOTS = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];
const SERIES_TINTS = ["cyan", "yellow", "magenta", "green"] as const;
// Without color, series stay apart by the pattern of their dots: solid, dotted, sparse, dashed.
const PATTERNS = [() => true, (i: number) => i % 2 === 0, (i: number) => i % 3 === 0, (
  i: number,
) => i % 4 < 2];
const PLAIN_MARKS = ["──", "··", "⠁⠈", "╌╌"];

/**
 * Plots up to four series as braille lines (each character is 2x4 dots), joined by straight
 * lines. Each series has its own scale (the first labeled on the left axis, the second on the
 * right), or all share one with `sharedScale`. With `xRange` the points sit at their `xs`
 * and an x axis with ticks is drawn below; otherwise they are spread evenly. Without color the
 * series are drawn in different dot patterns so they stay apart. The last line is a legend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineChart } from "./chart.ts";
 *
 * const lines = lineChart([
 *   { label: "loss", values: [0.5, 0.3, 0.2, 0.15] },
 *   { label: "accuracy", values: [0.9, 0.95, 0.97, 0.98], min: 0, max: 1 },
 * ], { width: 30, height: 4, color: "none" });
 * assert.equal(lines.length, 5); // 4 rows of braille, then the legend
 * assert.equal(lines[0], "  0.5┤⠓⠲⣐⠐⠐⠐⠐⠂⠂⠂⠁⠁⠁⠉⠈⠈⠈⠈⠈⠈├1  ");
 * assert.equal(lines[4].trim(), "── loss (left)   ·· accuracy (right)");
 *
 * // on an epoch axis: the loss every half epoch, the accuracy at the end of each epoch
 * const byEpoch = lineChart([
 *   { label: "loss", values: [0.5, 0.3, 0.2, 0.15], xs: [0.5, 1, 1.5, 2] },
 *   { label: "acc", values: [0.95, 0.97], xs: [1, 2], marks: true },
 * ], { width: 30, height: 4, color: "none", xRange: { min: 0, max: 2, unit: "epoch" } });
 * assert.equal(byEpoch.length, 7); // plot, axis, tick labels, legend
 * assert.match(byEpoch[5], /0 +1 +2$/);
 * assert.match(byEpoch[6], /x: epochs$/); // no room after the last label: named in the legend
 * ```
 */
export function lineChart(series: ChartSeries[], options: LineChartOptions): string[] {
  if (series.length === 0 || series.length > 4) {
    throw new RangeError(`line chart: expected 1 to 4 series, got ${series.length}`);
  }
  const shared = options.sharedScale || series.length > 2;
  const c = paint(options.color);
  const plain = options.color === "none";
  const height = Math.max(1, options.height);
  const scaleOf = (of: ChartSeries[]) => {
    const finite = of.flatMap((s) => Array.from(s.values).filter(Number.isFinite));
    let min = Math.min(...of.map((s) => s.min ?? (finite.length ? Math.min(...finite) : 0)));
    let max = Math.max(...of.map((s) => s.max ?? (finite.length ? Math.max(...finite) : 1)));
    if (max <= min) [min, max] = [min - 0.5, max + 0.5];
    const format = of[0].format ?? formatAxis;
    const labels = [format(max), format((min + max) / 2), format(min)];
    return { min, max, labels, labelWidth: Math.max(...labels.map(visibleWidth)) };
  };
  const scales = shared ? series.map(() => scaleOf(series)) : series.map((s) => scaleOf([s]));
  const leftWidth = scales[0].labelWidth;
  const rightWidth = !shared && scales[1] ? scales[1].labelWidth : 0;
  // Columns: left labels, "┤", plot, then "├" and right labels for a second series.
  const plotWidth = Math.max(2, options.width - leftWidth - 1 - (rightWidth ? rightWidth + 1 : 0));
  const dotsX = plotWidth * 2;
  const dotsY = height * 4;
  const range = options.xRange;
  const xSpan = range ? Math.max(1e-9, range.max - range.min) : 1;

  // cells[row][col] holds the braille bits per series, so each cell can take its series' color.
  const cells = series.map(() => Array.from({ length: height }, () => new Uint8Array(plotWidth)));
  series.forEach((s, index) => {
    const { min, max } = scales[index];
    const values = Array.from(s.values);
    const xs = range && s.xs ? Array.from(s.xs) : undefined;
    const toX = (i: number) =>
      xs
        ? Math.round(Math.min(1, Math.max(0, (xs[i] - range!.min) / xSpan)) * (dotsX - 1))
        : values.length <= 1
        ? 0
        : Math.round(i * (dotsX - 1) / (values.length - 1));
    const toY = (v: number) =>
      Math.round((1 - (Math.min(max, Math.max(min, v)) - min) / (max - min)) * (dotsY - 1));
    const drawn = plain ? PATTERNS[index] : PATTERNS[0];
    let dot = 0;
    const set = (x: number, y: number) => {
      if (x < 0 || y < 0 || x >= dotsX || y >= dotsY) return;
      if (!drawn(dot++)) return;
      cells[index][y >> 2][x >> 1] |= DOTS[y & 3][x & 1];
    };
    const mark = (x: number, y: number) => {
      for (const [dx, dy] of [[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1]]) {
        const [px, py] = [x + dx, y + dy];
        if (px >= 0 && py >= 0 && px < dotsX && py < dotsY) {
          cells[index][py >> 2][px >> 1] |= DOTS[py & 3][px & 1];
        }
      }
    };
    let previous: [number, number] | undefined;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]) || (xs && !Number.isFinite(xs[i]))) {
        previous = undefined;
        continue;
      }
      const point: [number, number] = [toX(i), toY(values[i])];
      if (previous) drawLine(previous, point, set);
      else set(point[0], point[1]);
      if (s.marks) mark(point[0], point[1]);
      previous = point;
    }
  });

  const tints = SERIES_TINTS.map((name) => c[name]);
  // The max, middle and min labels sit on the top, middle and bottom rows; -1 means none.
  const middleRow = (height - 1) >> 1;
  const labelRow = (row: number) =>
    row === 0 ? 0 : row === height - 1 ? 2 : row === middleRow ? 1 : -1;
  const leftTint = shared ? c.dim : tints[0];
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    const which = labelRow(row);
    const leftLabel = which >= 0 ? scales[0].labels[which] : "";
    let line = leftTint(alignRight(leftLabel, leftWidth)) + c.dim(which >= 0 ? "┤" : "│");
    for (let col = 0; col < plotWidth; col++) {
      let bits = 0;
      let owner = -1;
      for (let k = series.length - 1; k >= 0; k--) {
        const cell = cells[k][row][col];
        if (cell) {
          bits |= cell;
          owner = k; // where lines pass one cell, the first series wins the color
        }
      }
      line += owner < 0 ? " " : tints[owner](String.fromCharCode(0x2800 | bits));
    }
    if (rightWidth) {
      const rightLabel = which >= 0 ? scales[1].labels[which] : "";
      line += c.dim(which >= 0 ? "├" : "│") + tints[1](fitWidth(rightLabel, rightWidth));
    }
    lines.push(line);
  }
  let unitInLegend = "";
  if (range) {
    const [rule, labels] = xAxis(range, plotWidth);
    // the unit's name after the last label when it fits (a right axis leaves room), else
    // under the left axis's labels, else at the end of the legend
    const unit = `${range.unit}s`;
    const room = options.width - leftWidth - 1;
    let left = " ".repeat(leftWidth + 1);
    let labelLine = labels;
    if (visibleWidth(labels) + 1 + unit.length <= room) labelLine = `${labels} ${unit}`;
    else if (unit.length <= leftWidth) left = alignRight(unit, leftWidth) + " ";
    else unitInLegend = `   x: ${unit}`;
    lines.push(" ".repeat(leftWidth) + c.dim("└" + rule), c.dim(left + labelLine));
  }
  const marks = plain ? PLAIN_MARKS : ["━━", "━━", "━━", "━━"];
  const legend = series.map((s, i) =>
    tints[i](marks[i]) + " " + s.label +
    (series.length === 2 && !shared ? (i === 0 ? " (left)" : " (right)") : "")
  );
  lines.push(" ".repeat(leftWidth + 1) + legend.join("   ") + unitInLegend);
  return lines;
}

/**
 * The x axis under a plot `plotWidth` columns wide: a rule with a tick at each whole unit that
 * has room, and a line of their labels.
 */
function xAxis(
  range: { min: number; max: number },
  plotWidth: number,
): [string, string] {
  const span = Math.max(1e-9, range.max - range.min);
  const columnOf = (x: number) => Math.round((x - range.min) / span * (plotWidth - 1));
  const first = Math.ceil(range.min), last = Math.floor(range.max);
  // every k-th whole unit, so labels keep a few columns apart
  const widest = String(last).length + 2;
  let step = 1;
  while ((last - first) / step * widest > plotWidth) step++;
  const rule = Array.from({ length: plotWidth }, () => "─");
  const labels = Array.from({ length: plotWidth }, () => " ");
  for (let x = first; x <= last; x += step) {
    const col = columnOf(x);
    rule[col] = "┬";
    const text = String(x);
    const at = Math.max(0, Math.min(plotWidth - text.length, col - ((text.length - 1) >> 1)));
    for (let i = 0; i < text.length; i++) labels[at + i] = text[i];
  }
  return [rule.join(""), labels.join("").trimEnd()];
}

/** Bresenham's line from a to b, calling `set` for every dot on it. */
function drawLine(
  [x0, y0]: [number, number],
  [x1, y1]: [number, number],
  set: (x: number, y: number) => void,
): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let error = dx + dy;
  for (;;) {
    set(x0, y0);
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * error;
    if (e2 >= dy) {
      error += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      error += dx;
      y0 += sy;
    }
  }
}

/** Three significant digits without exponent noise: 0.123, 1.23, 12.3, 1234. */
function formatAxis(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

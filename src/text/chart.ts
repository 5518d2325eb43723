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
  /** Scale bounds for this series; default: its own min and max. */
  min?: number;
  max?: number;
  /** Formats the axis labels (default: 3 significant digits). */
  format?: (value: number) => string;
}

/** Options for {@linkcode lineChart}. */
export interface LineChartOptions {
  /** Total columns, axis labels included. */
  width: number;
  /** Rows of the plot itself; the legend adds one more line. */
  height: number;
  color: ColorLevel;
}

// Braille dot bits by [row][column] inside one 2x4 cell (Unicode braille pattern order).
const DOTS = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];
const SERIES_TINTS = ["cyan", "yellow"] as const;

/**
 * Plots one or two series as braille lines (each character is 2x4 dots), points spread evenly
 * from left to right and joined by straight lines. Each series has its own scale: the first is
 * labeled on the left axis, the second on the right, each label in its series' color. Without
 * color the second series is drawn dotted so the two stay apart. The last line is a legend.
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
 * ```
 */
export function lineChart(series: ChartSeries[], options: LineChartOptions): string[] {
  if (series.length === 0 || series.length > 2) {
    throw new RangeError(`line chart: expected 1 or 2 series, got ${series.length}`);
  }
  const c = paint(options.color);
  const plain = options.color === "none";
  const height = Math.max(1, options.height);
  const scales = series.map((s) => {
    const finite = Array.from(s.values).filter(Number.isFinite);
    let min = s.min ?? (finite.length ? Math.min(...finite) : 0);
    let max = s.max ?? (finite.length ? Math.max(...finite) : 1);
    if (max <= min) [min, max] = [min - 0.5, max + 0.5];
    const format = s.format ?? formatAxis;
    const labels = [format(max), format((min + max) / 2), format(min)];
    return { min, max, labels, labelWidth: Math.max(...labels.map(visibleWidth)) };
  });
  const leftWidth = scales[0].labelWidth;
  const rightWidth = scales[1]?.labelWidth ?? 0;
  // Columns: left labels, "┤", plot, then "├" and right labels for a second series.
  const plotWidth = Math.max(2, options.width - leftWidth - 1 - (rightWidth ? rightWidth + 1 : 0));
  const dotsX = plotWidth * 2;
  const dotsY = height * 4;

  // cells[row][col] holds the braille bits per series, so each cell can take its series' color.
  const cells = series.map(() => Array.from({ length: height }, () => new Uint8Array(plotWidth)));
  series.forEach((s, index) => {
    const { min, max } = scales[index];
    const values = Array.from(s.values);
    const toX = (i: number) =>
      values.length <= 1 ? 0 : Math.round(i * (dotsX - 1) / (values.length - 1));
    const toY = (v: number) =>
      Math.round((1 - (Math.min(max, Math.max(min, v)) - min) / (max - min)) * (dotsY - 1));
    const dotted = plain && index === 1;
    let dot = 0;
    const set = (x: number, y: number) => {
      if (dotted && dot++ % 2 === 1) return;
      cells[index][y >> 2][x >> 1] |= DOTS[y & 3][x & 1];
    };
    let previous: [number, number] | undefined;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        previous = undefined;
        continue;
      }
      const point: [number, number] = [toX(i), toY(values[i])];
      if (previous) drawLine(previous, point, set);
      else set(point[0], point[1]);
      previous = point;
    }
  });

  const tints = SERIES_TINTS.map((name) => c[name]);
  // The max, middle and min labels sit on the top, middle and bottom rows; -1 means none.
  const middleRow = (height - 1) >> 1;
  const labelRow = (row: number) =>
    row === 0 ? 0 : row === height - 1 ? 2 : row === middleRow ? 1 : -1;
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    const which = labelRow(row);
    const leftLabel = which >= 0 ? scales[0].labels[which] : "";
    let line = tints[0](alignRight(leftLabel, leftWidth)) + c.dim(which >= 0 ? "┤" : "│");
    for (let col = 0; col < plotWidth; col++) {
      const first = cells[0][row][col];
      const second = cells[1]?.[row][col] ?? 0;
      if (first === 0 && second === 0) line += " ";
      // Where both lines pass one cell, the first series wins the color.
      else line += (first ? tints[0] : tints[1])(String.fromCharCode(0x2800 | first | second));
    }
    if (scales[1]) {
      const rightLabel = which >= 0 ? scales[1].labels[which] : "";
      line += c.dim(which >= 0 ? "├" : "│") + tints[1](fitWidth(rightLabel, rightWidth));
    }
    lines.push(line);
  }
  const marks = plain ? ["──", "··"] : ["━━", "━━"];
  const legend = series.map((s, i) =>
    tints[i](marks[i]) + " " + s.label +
    (series.length > 1 ? (i === 0 ? " (left)" : " (right)") : "")
  );
  lines.push(" ".repeat(leftWidth + 1) + legend.join("   "));
  return lines;
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

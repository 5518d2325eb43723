import { type ColorLevel, paint } from "./color.ts";
import { alignRight } from "./layout.ts";

/** Options for {@linkcode renderHeatTable}. */
export interface HeatTableOptions {
  color: ColorLevel;
  /** Adds a `│ total` column with each row's count. */
  totals?: boolean;
  /** Adds a first line saying which axis is which (default true). */
  legend?: boolean;
  /** A cell to mark as chosen (`>  12<`, on yellow in color): row = true, column = predicted. */
  selected?: { row: number; column: number };
}

/**
 * Renders a confusion matrix (rows = true class, columns = predicted class; either rows of
 * counts or one flat row-major array [n x n]) as a heat table. The diagonal (correct
 * predictions) is green, shaded by the row's accuracy; errors are red, shaded by count relative
 * to the largest error; zeros are a dim `·`. Without color the diagonal is bracketed, `[ 973]`,
 * so it still stands out. Counts up to 9999 keep a 10x10 table with totals within 80 columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderHeatTable } from "./heat_table.ts";
 *
 * // Two classes: five 0s right and one taken for a 1; four 1s right.
 * assert.deepEqual(renderHeatTable([[5, 1], [0, 4]], { color: "none", totals: true }), [
 *   "rows: true digit, columns: predicted",
 *   "       0    1  │ total",
 *   "  0 [  5]   1  │     6",
 *   "  1    · [  4] │     4",
 * ]);
 * ```
 */
export function renderHeatTable(
  matrix: ArrayLike<number> | readonly ArrayLike<number>[],
  options: HeatTableOptions,
): string[] {
  const rows = toRows(matrix);
  const n = rows.length;
  const c = paint(options.color);
  const plain = options.color === "none";
  let maxCount = 0;
  let maxError = 0;
  for (let t = 0; t < n; t++) {
    for (let p = 0; p < n; p++) {
      maxCount = Math.max(maxCount, rows[t][p]);
      if (t !== p) maxError = Math.max(maxError, rows[t][p]);
    }
  }
  const rowTotals = rows.map((row) => row.reduce((sum, v) => sum + v, 0));
  const digits = Math.max(3, String(maxCount).length);
  const labelWidth = Math.max(1, String(n - 1).length) + 2;
  const totalWidth = Math.max(5, String(Math.max(0, ...rowTotals)).length);

  const lines: string[] = [];
  if (options.legend ?? true) lines.push(c.dim("rows: true digit, columns: predicted"));
  let header = " ".repeat(labelWidth + 1);
  for (let p = 0; p < n; p++) header += " " + c.bold(alignRight(String(p), digits)) + " ";
  if (options.totals) header += c.dim(" │ ") + alignRight("total", totalWidth);
  lines.push(header);

  for (let t = 0; t < n; t++) {
    let line = c.bold(alignRight(String(t), labelWidth)) + " ";
    for (let p = 0; p < n; p++) {
      const count = rows[t][p];
      const text = alignRight(count === 0 ? "·" : String(count), digits);
      if (options.selected?.row === t && options.selected.column === p) {
        line += plain ? `>${text}<` : c.bgYellow.black.bold(`>${text}<`);
      } else if (t === p) {
        if (plain) line += `[${text}]`;
        else {
          const share = rowTotals[t] > 0 ? count / rowTotals[t] : 0;
          const g = Math.round(70 + 130 * share);
          line += c.bgRgb(0, g, 40).whiteBright.bold(` ${text} `);
        }
      } else if (count === 0 || plain) {
        line += " " + (count === 0 ? c.dim(text) : text) + " ";
      } else {
        // Square root so that a handful of errors is already visible next to the worst cell.
        const heat = Math.sqrt(count / maxError);
        const r = Math.round(90 + 150 * heat);
        line += c.bgRgb(r, 20, 0).whiteBright(` ${text} `);
      }
    }
    if (options.totals) line += c.dim(" │ ") + alignRight(String(rowTotals[t]), totalWidth);
    lines.push(line);
  }
  return lines;
}

/** Accepts rows of counts or one flat square array, and returns rows of numbers. */
function toRows(matrix: ArrayLike<number> | readonly ArrayLike<number>[]): number[][] {
  const first = matrix[0];
  if (matrix.length > 0 && typeof first !== "number") {
    const rows = Array.from(matrix as readonly ArrayLike<number>[], (row) => Array.from(row));
    if (rows.some((row) => row.length !== rows.length)) {
      throw new RangeError(`heat table: expected a square matrix, got ${rows.length} rows`);
    }
    return rows;
  }
  const flat = matrix as ArrayLike<number>;
  const n = Math.round(Math.sqrt(flat.length));
  if (n * n !== flat.length) {
    throw new RangeError(`heat table: ${flat.length} counts do not form a square matrix`);
  }
  return Array.from({ length: n }, (_, t) => Array.from({ length: n }, (_, p) => flat[t * n + p]));
}

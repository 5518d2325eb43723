/**
 * The per-digit precision, recall and F1 table, in percent, as `test` and the Test screen both
 * show it.
 *
 * @module
 */
import { type ColorLevel, paint } from "./color.ts";
import { percent } from "./format.ts";

/** One digit's row (the figures 0..1). */
export interface PerDigitRow {
  digit: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * A heading and one line per digit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPerDigitTable } from "./per_digit_table.ts";
 *
 * const [heading, row] = renderPerDigitTable(
 *   [{ digit: 3, precision: 0.9869, recall: 0.99, f1: 0.98845, support: 1010 }],
 *   "none",
 * );
 * assert.equal(heading, "digit  precision    recall        F1  support");
 * assert.equal(row, "  3       98.69%    99.00%    98.84%     1010");
 * ```
 */
export function renderPerDigitTable(rows: PerDigitRow[], color: ColorLevel): string[] {
  const c = paint(color);
  return [
    c.dim("digit  precision    recall        F1  support"),
    ...rows.map((m) =>
      `  ${c.bold(String(m.digit))}    ${percent(m.precision).padStart(9)} ${
        percent(m.recall).padStart(9)
      } ${percent(m.f1).padStart(9)}  ${String(m.support).padStart(7)}`
    ),
  ];
}

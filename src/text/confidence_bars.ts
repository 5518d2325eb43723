import { type ColorLevel, paint } from "./color.ts";
import { alignRight } from "./layout.ts";

/** Options for {@linkcode renderConfidenceBars}. */
export interface ConfidenceBarsOptions {
  /** Total columns per line (minimum 16). */
  width: number;
  color: ColorLevel;
  /** Row labels; default "0".."9" (the index). */
  labels?: string[];
}

// Partial blocks in eighths, so a bar's length is exact to 1/8 of a column.
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/**
 * Draws one horizontal bar per class probability (0..1) with its percentage. The most likely
 * class is marked `▶` and drawn bold green; the others dim.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderConfidenceBars } from "./confidence_bars.ts";
 *
 * const probabilities = [0.001, 0, 0.01, 0.002, 0, 0.001, 0, 0.973, 0.01, 0.003];
 * const lines = renderConfidenceBars(probabilities, { width: 40, color: "none" });
 * assert.equal(lines[7], "▶ 7 ████████████████████████████▎  97.3%");
 * assert.equal(lines[0], "  0                                 0.1%");
 * ```
 */
export function renderConfidenceBars(
  probabilities: ArrayLike<number>,
  options: ConfidenceBarsOptions,
): string[] {
  const c = paint(options.color);
  const labels = options.labels ?? Array.from(probabilities, (_, i) => String(i));
  const labelWidth = Math.max(...labels.map((label) => label.length));
  let top = 0;
  for (let i = 1; i < probabilities.length; i++) {
    if (probabilities[i] > probabilities[top]) top = i;
  }
  // "▶ " + label + " " before the bar, " 100.0%" after it.
  const barWidth = Math.max(4, options.width - labelWidth - 3 - 7);
  const lines: string[] = [];
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1, Math.max(0, probabilities[i] || 0));
    const eighths = Math.round(p * barWidth * 8);
    const bar = "█".repeat(eighths >> 3) + EIGHTHS[eighths & 7];
    const padded = bar + " ".repeat(barWidth - Math.ceil(eighths / 8));
    const percent = alignRight(`${(p * 100).toFixed(1)}%`, 7);
    const label = alignRight(labels[i], labelWidth);
    lines.push(
      i === top
        ? c.green.bold(`▶ ${label} `) + c.green(padded) + c.bold(percent)
        : `  ${label} ` + c.dim(padded) + c.dim(percent),
    );
  }
  return lines;
}

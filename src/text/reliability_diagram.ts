import { type ColorLevel, paint } from "./color.ts";
import { alignRight } from "./layout.ts";

/** One confidence bin: the guesses whose confidence fell in [from, to). */
export interface ReliabilityBin {
  from: number;
  to: number;
  /** Mean confidence of its guesses, 0..1. */
  confidence: number;
  /** How often they were right, 0..1. */
  accuracy: number;
  /** How many guesses. */
  count: number;
}

/** Options for {@linkcode renderReliabilityDiagram}. */
export interface ReliabilityDiagramOptions {
  /** Total columns per line (at least 30). */
  width: number;
  color: ColorLevel;
  /** At most this many bins (the fullest, kept in order); default all that hold guesses. */
  maxRows?: number;
}

// Partial blocks in eighths, so a bar's length is exact to 1/8 of a column.
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/**
 * A reliability diagram as text: one row per confidence bin that holds guesses, highest
 * first: what the network said (the bin), a bar as long as how often it was right, a `┃` where
 * the bar would end if it were right exactly as often as it said (its mean confidence), the
 * accuracy and how many guesses. Green when the two are within 5 points, yellow within 15,
 * else red. "When it says 90% it is right 9 times in 10" reads as a bar that reaches its mark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderReliabilityDiagram } from "./reliability_diagram.ts";
 *
 * const bins = [
 *   { from: 0.5, to: 0.6, confidence: 0.55, accuracy: 0.5, count: 4 },
 *   { from: 0.6, to: 0.9, confidence: 0.8, accuracy: 0, count: 0 },
 *   { from: 0.9, to: 1, confidence: 0.98, accuracy: 0.99, count: 1200 },
 * ];
 * const lines = renderReliabilityDiagram(bins, { width: 50, color: "none" });
 * assert.equal(lines.length, 3); // a header, then the two bins that hold guesses
 * assert.ok(lines[1].startsWith(" 90-100% "));
 * assert.ok(lines[1].endsWith("99.0%   1,200"));
 * assert.ok(lines[2].includes("┃")); // 55% said, 50% right: the bar stops short of its mark
 * ```
 */
export function renderReliabilityDiagram(
  bins: readonly ReliabilityBin[],
  options: ReliabilityDiagramOptions,
): string[] {
  const c = paint(options.color);
  let shown = bins.filter((bin) => bin.count > 0);
  if (options.maxRows !== undefined && shown.length > options.maxRows) {
    const fullest = [...shown].sort((a, b) => b.count - a.count).slice(0, options.maxRows);
    shown = shown.filter((bin) => fullest.includes(bin));
  }
  shown = shown.reverse();
  const counts = shown.map((bin) => bin.count.toLocaleString("en-US"));
  const countWidth = Math.max(7, ...counts.map((text) => text.length));
  // " 90-100% " + bar + " 100.0%" + " " + count
  const labelWidth = 9;
  const barWidth = Math.max(10, options.width - labelWidth - 7 - 1 - countWidth - 1);
  const lines = [
    c.dim(
      `${"said".padEnd(labelWidth)}${"right (┃ where it should be)".padEnd(barWidth + 7)} ${
        alignRight("guesses", countWidth)
      }`,
    ),
  ];
  shown.forEach((bin, i) => {
    const label = ` ${Math.round(bin.from * 100)}-${Math.round(bin.to * 100)}%`.padEnd(labelWidth);
    const eighths = Math.round(Math.min(1, Math.max(0, bin.accuracy)) * barWidth * 8);
    const full = eighths >> 3;
    const filled = "█".repeat(full) + (EIGHTHS[eighths & 7] || " ") +
      " ".repeat(Math.max(0, barWidth - full - 1));
    const mark = Math.min(barWidth - 1, Math.floor(bin.confidence * barWidth));
    const gap = Math.abs(bin.accuracy - bin.confidence);
    const tint = gap <= 0.05 ? c.green : gap <= 0.15 ? c.yellow : c.red;
    const bar = tint(filled.slice(0, mark)) + c.bold("┃") +
      tint(filled.slice(mark + 1, barWidth));
    const right = alignRight(`${(bin.accuracy * 100).toFixed(1)}%`, 7);
    lines.push(`${label}${bar}${right} ${alignRight(counts[i], countWidth)}`);
  });
  return lines;
}

/**
 * Pure text renderers: state in, lines of text out, for a given color level. Block art of a
 * digit, the confusion heat table, line charts and sparklines, the Keras-style progress line,
 * confidence bars, big digits, colors, layout and number formatting. The command line and the
 * terminal UI both draw with them; none of them reads input or knows a terminal (demo.ts, a
 * gallery to run by hand, is the one file that reads its arguments).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percent, renderBigDigit, renderProgressLine } from "./mod.ts";
 *
 * const state = { step: 10, total: 938, elapsedMs: 40, done: false, metrics: { loss: 0.5 } };
 * const line = renderProgressLine({ ...state, width: 80, color: "none" });
 * assert.equal(line, "   10/938 ────────────────────────────── ETA 4s 4ms/step - loss: 0.5000");
 * assert.equal(renderBigDigit(7, { color: "none" }).length, 7); // lines of 10 columns
 * assert.equal(percent(0.9906), "99.06%");
 * ```
 * @module
 */
export { count, percent, plural } from "./format.ts";
export {
  type ColorEnvironment,
  type ColorLevel,
  detectColorLevel,
  graySgr,
  paint,
} from "./color.ts";
export {
  alignRight,
  center,
  charWidth,
  fitWidth,
  frame,
  type FrameOptions,
  joinColumns,
  stripAnsi,
  truncate,
  visibleWidth,
} from "./layout.ts";
export { type BlockArtOptions, renderBlockArt, sideBySide } from "./block_art.ts";
export {
  formatDuration,
  formatMetric,
  formatPerStep,
  type ProgressState,
  renderProgressLine,
  ThrottledLine,
} from "./progress_bar.ts";
export { type HeatTableOptions, renderHeatTable } from "./heat_table.ts";
export {
  type ChartSeries,
  lineChart,
  type LineChartOptions,
  sparkline,
  type SparklineOptions,
} from "./chart.ts";
export { type ConfidenceBarsOptions, renderConfidenceBars } from "./confidence_bars.ts";
export { type BigDigitOptions, digitGlyph, renderBigDigit } from "./big_digit.ts";
export { type LayerRow, renderLayerTable } from "./layer_table.ts";

/**
 * Terminal UI building blocks: pure widgets (state -> lines of text, for a given color level)
 * and a small terminal layer (key/mouse parsing, the full-screen session). Nothing here knows
 * about neural networks.
 *
 * @example
 * ```ts
 * import { detectColorLevel, renderProgressLine } from "./tui/mod.ts";
 * const color = detectColorLevel();
 * console.log(renderProgressLine({ step: 10, total: 938, elapsedMs: 40, done: false,
 *   metrics: { loss: 0.5 }, width: 80, color }));
 * ```
 * @module
 */
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
} from "./widgets/layout.ts";
export { type BlockArtOptions, renderBlockArt, sideBySide } from "./widgets/block_art.ts";
export {
  formatDuration,
  formatMetric,
  formatPerStep,
  type ProgressState,
  renderProgressLine,
  ThrottledLine,
} from "./widgets/progress_bar.ts";
export { type HeatTableOptions, renderHeatTable } from "./widgets/heat_table.ts";
export {
  type ChartSeries,
  lineChart,
  type LineChartOptions,
  sparkline,
  type SparklineOptions,
} from "./widgets/chart.ts";
export { type ConfidenceBarsOptions, renderConfidenceBars } from "./widgets/confidence_bars.ts";
export { type BigDigitOptions, digitGlyph, renderBigDigit } from "./widgets/big_digit.ts";
export { type InputEvent, type KeyEvent, KeyParser, type MouseEvent } from "./terminal/keys.ts";
export { frameUpdate, Screen, type ScreenOptions, type ScreenSize } from "./terminal/screen.ts";

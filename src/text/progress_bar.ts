import { type ColorLevel, paint } from "./color.ts";
import { truncate, visibleWidth } from "./layout.ts";

/** What one progress line shows. */
export interface ProgressState {
  /** Steps done so far (0..total). */
  step: number;
  total: number;
  /** Time since the first step started. */
  elapsedMs: number;
  /** True once the run finished: shows the elapsed time instead of the ETA. */
  done: boolean;
  /** Shown in order after the timing, e.g. `{ loss: 0.1234, accuracy: 0.965 }`. */
  metrics: Record<string, number>;
  /** Terminal columns available; the line never gets wider than this. */
  width: number;
  color: ColorLevel;
}

const MIN_BAR = 10;
const MAX_BAR = 30;
const TINY_BAR = 4;

/**
 * Renders one Keras-style progress line that fits in `width` columns:
 * `  612/938 ━━━━━━━━━━━━━──────── ETA 3s 2ms/step - loss: 0.1234 - accuracy: 0.9650`.
 * While running it shows the ETA, when done the elapsed time. The bar takes what the text
 * leaves (10 to 30 columns); if even 10 do not fit, metrics are dropped from the end, then the
 * time per step; then the bar shrinks to 4, then the time goes, and last the line is cut.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderProgressLine } from "./progress_bar.ts";
 *
 * const line = renderProgressLine({
 *   step: 938,
 *   total: 938,
 *   elapsedMs: 3100,
 *   done: true,
 *   metrics: { loss: 0.1 },
 *   width: 80,
 *   color: "none",
 * });
 * assert.equal(line, "  938/938 ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - loss: 0.1000");
 * ```
 */
export function renderProgressLine(state: ProgressState): string {
  const c = paint(state.color);
  const total = Math.max(0, state.total);
  const step = Math.min(Math.max(0, state.step), total);
  const counter = `  ${String(step).padStart(String(total).length)}/${total}`;
  const msPerStep = step > 0 ? state.elapsedMs / step : undefined;
  const time = state.done
    ? formatDuration(state.elapsedMs)
    : msPerStep === undefined
    ? ""
    : `ETA ${formatDuration((total - step) * msPerStep)}`;
  const perStep = msPerStep === undefined ? "" : formatPerStep(msPerStep);
  const metrics = Object.entries(state.metrics).map(([name, value]) =>
    ` - ${name}: ${c.bold(formatMetric(value))}`
  );

  // Try the fullest text first and give up parts until the bar gets enough room: metrics from
  // the end, then the time per step, then the bar shrinks to TINY_BAR, then the time goes.
  let kept = metrics.length;
  let showPerStep = true;
  let showTime = true;
  const suffix = () =>
    [showTime ? time : "", showPerStep ? perStep : ""].filter((part) => part !== "")
      .map((part) => " " + part).join("") + metrics.slice(0, kept).join("");
  const room = () => state.width - visibleWidth(counter) - 1 - visibleWidth(suffix());
  while (room() < MIN_BAR && kept > 0) kept--;
  if (room() < MIN_BAR) showPerStep = false;
  if (room() < TINY_BAR) showTime = false;

  const barWidth = Math.max(TINY_BAR, Math.min(MAX_BAR, room()));
  const filled = total === 0 ? (state.done ? barWidth : 0) : Math.floor(barWidth * step / total);
  const barColor = state.done ? c.green : c.cyan;
  const bar = barColor("━".repeat(filled)) + c.dim("─".repeat(barWidth - filled));
  return truncate(`${counter} ${bar}${suffix()}`, state.width);
}

/**
 * Formats a duration the Keras way: `3s` under a minute, `1:02` under an hour, else `1:02:03`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./progress_bar.ts";
 *
 * assert.equal(formatDuration(3_100), "3s");
 * assert.equal(formatDuration(62_000), "1:02");
 * assert.equal(formatDuration(3_723_000), "1:02:03");
 * ```
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const s = String(seconds % 60).padStart(2, "0");
  if (seconds < 3600) return `${Math.floor(seconds / 60)}:${s}`;
  const m = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
  return `${Math.floor(seconds / 3600)}:${m}:${s}`;
}

/**
 * Formats time per step in the largest unit that keeps it at least 1: `2s/step`, `2ms/step`,
 * `350µs/step`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPerStep } from "./progress_bar.ts";
 *
 * assert.equal(formatPerStep(0.35), "350µs/step");
 * assert.equal(formatPerStep(2.4), "2ms/step");
 * ```
 */
export function formatPerStep(ms: number): string {
  if (Math.round(ms) >= 1000) return `${Math.round(ms / 1000)}s/step`;
  if (Math.round(ms * 1000) >= 1000) return `${Math.round(ms)}ms/step`;
  return `${Math.round(ms * 1000)}µs/step`;
}

/**
 * Formats a metric value with 4 decimals, or in exponent form when it is tiny but not zero.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMetric } from "./progress_bar.ts";
 *
 * assert.equal(formatMetric(0.123456), "0.1235");
 * assert.equal(formatMetric(0.00001234), "1.2340e-5");
 * ```
 */
export function formatMetric(value: number): string {
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(4);
  return value.toFixed(4);
}

/**
 * Decides when a live line is worth redrawing: at most once per `intervalMs` (default 50, i.e.
 * 20 redraws per second), and always for the final state so the finished line is exact.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ThrottledLine } from "./progress_bar.ts";
 *
 * let nowMs = 0; // a clock the example controls; by default performance.now()
 * const throttle = new ThrottledLine(50, () => nowMs);
 * assert.equal(throttle.shouldDraw(), true);
 * nowMs = 20;
 * assert.equal(throttle.shouldDraw(), false); // too soon after the last draw
 * assert.equal(throttle.shouldDraw(true), true); // the final state is always drawn
 * ```
 */
export class ThrottledLine {
  #lastDrawMs = -Infinity;
  readonly #intervalMs: number;
  readonly #now: () => number;

  constructor(intervalMs = 50, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** True when this update should be drawn; remembers the time if so. */
  shouldDraw(final = false): boolean {
    const nowMs = this.#now();
    if (!final && nowMs - this.#lastDrawMs < this.#intervalMs) return false;
    this.#lastDrawMs = nowMs;
    return true;
  }
}

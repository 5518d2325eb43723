/**
 * How the Train screen looks while training and after: the epochs' progress lines, the chart
 * of loss and test accuracy, the live panel of weight tiles and gradients, and the last line
 * saying how it ended. Pure functions of the progress (train_progress.ts).
 *
 * @module
 */
import type { TrainPanel } from "../../network/weight_tiles.ts";
import type { SessionOutcome } from "../../train/session.ts";
import { lineChart } from "../../text/chart.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { percent, plural } from "../../text/format.ts";
import { joinColumns, truncate, wrapText } from "../../text/layout.ts";
import { renderProgressLine } from "../../text/progress_bar.ts";
import { renderTileGrid } from "../../text/tile_grid.ts";
import type { EpochProgress, TrainProgress } from "./train_progress.ts";

/** How a training run from the screen ended. */
export type TrainingResult =
  | SessionOutcome
  /** Stopped before the first batch: nothing was trained or saved. */
  | { status: "not-started" }
  /** Refused or failed (the lock is held elsewhere, an unreadable file, a full disk). */
  | { status: "error"; message: string };

/**
 * The training view in at most `height` lines: the notes, then per epoch a Keras-like
 * `Epoch 2/5` line (with test accuracy and loss once done) and its progress line (ETA while
 * running, elapsed when done), then the chart of loss and test accuracy per epoch, grown into
 * the rows the epochs leave free. When the epochs do not fit, older ones keep only their
 * summary line, then the oldest are left out. Notes longer than a third of the height end in
 * "…".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTrainProgress } from "./train_view.ts";
 *
 * const progress = {
 *   notes: ["Training 784-256-10"],
 *   epochs: [{
 *     epoch: 1, epochs: 5, step: 300, steps: 938, firstStep: 0, elapsedMs: 600,
 *     loss: 0.31, accuracy: 0.91,
 *   }],
 *   lossPoints: [],
 *   accuracyPoints: [],
 * };
 * const lines = renderTrainProgress(progress, { width: 80, height: 20, color: "none" });
 * assert.deepEqual(lines.slice(0, 3), ["Training 784-256-10", "", "Epoch 1/5"]);
 * assert.match(lines[3], /^ {2}300\/938 ━+─+ ETA 1s 2ms\/step - loss: 0\.3100/);
 * ```
 */
export function renderTrainProgress(
  progress: TrainProgress,
  options: { width: number; height: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const { width, height } = options;
  const notes = noteLines(progress.notes, width, Math.max(2, Math.floor(height / 3)));

  const header = (e: EpochProgress) => {
    const title = c.bold(`Epoch ${e.epoch}/${e.epochs}`);
    if (!e.test) return title;
    return truncate(
      `${title}  test accuracy ${c.bold.green(percent(e.test.accuracy))}` +
        c.dim(` · test loss ${e.test.loss.toFixed(4)} · ${e.test.seconds.toFixed(1)}s`),
      width,
      "…",
    );
  };
  const bar = (e: EpochProgress) => {
    // Resumed mid-epoch, the earlier steps took no time in this run: time per step counts
    // only the steps done now.
    const stepsNow = e.step - e.firstStep;
    const elapsedMs = stepsNow > 0 ? e.elapsedMs * e.step / stepsNow : 0;
    const metrics: Record<string, number> = {};
    if (Number.isFinite(e.loss)) metrics.loss = e.loss;
    if (Number.isFinite(e.accuracy)) metrics.accuracy = e.accuracy;
    return renderProgressLine({
      step: e.step,
      total: e.steps,
      elapsedMs,
      done: e.test !== undefined,
      metrics,
      width,
      color: options.color,
    });
  };

  const epochs = progress.epochs;
  const afterNotes = height - notes.length - (notes.length > 0 ? 1 : 0);
  // The chart takes a third of the height, or all the rows the epochs (two lines each) leave
  // free; it is left out when the epochs would have under 5 rows.
  const usualHeight = Math.max(3, Math.min(12, Math.floor(height / 3)));
  const freeRows = afterNotes - 2 * epochs.length - 2; // 2: the blank line and the legend
  const chartHeight = Math.max(usualHeight, freeRows);
  let chart: string[] = [];
  // The smoothed loss (a resumed run's earlier points first) once it has two points, and each
  // epoch's test accuracy at its epoch, on one axis of epochs up to the plan's last.
  const { lossPoints, accuracyPoints } = progress;
  const panelWidth = progress.panel && width >= 80 ? Math.min(64, Math.max(30, width - 80)) : 0;
  const chartWidth = Math.min(width - (panelWidth > 0 ? panelWidth + 2 : 0), 120);
  if (lossPoints.length >= 2 && afterNotes >= usualHeight + 4 + 5 && chartWidth >= 30) {
    const plotRows = Math.min(chartHeight, afterNotes - 5 - 4);
    // One epoch's accuracy alone would get a scale of ±50%: keep at least 1% around it.
    const accuracies = accuracyPoints.map((p) => p.accuracy);
    const low = Math.min(...accuracies), high = Math.max(...accuracies);
    const spread = Math.max(0, 0.01 - (high - low)) / 2;
    const lastEpoch = Math.max(
      epochs.at(-1)?.epochs ?? 1,
      lossPoints.at(-1)!.epoch,
      accuracyPoints.at(-1)?.epoch ?? 0,
    );
    const plot = lineChart([
      {
        label: chartWidth >= 60 ? "loss (smoothed)" : "loss",
        values: lossPoints.map((p) => p.loss),
        xs: lossPoints.map((p) => p.epoch),
        format: (v) => v.toFixed(3),
      },
      // the test accuracy once the first epoch has one
      ...(accuracyPoints.length > 0
        ? [{
          label: chartWidth >= 60 ? "test accuracy" : "test acc.",
          values: accuracies,
          xs: accuracyPoints.map((p) => p.epoch),
          marks: true,
          min: low - spread,
          max: Math.min(1, high + spread),
          format: (v: number) => percent(v, 1),
        }]
        : []),
    ], {
      width: chartWidth,
      height: plotRows,
      color: options.color,
      xRange: { min: 0, max: Math.ceil(lastEpoch), unit: "epoch" },
    });
    const panel = progress.panel && panelWidth > 0
      ? renderTrainPanel(progress.panel, {
        width: panelWidth,
        height: plot.length,
        color: options.color,
      })
      : [];
    const fitted = plot.map((line) => truncate(line, chartWidth));
    chart = ["", ...(panel.length > 0 ? joinColumns([fitted, panel], 2) : fitted)];
  }

  const room = afterNotes - chart.length;
  // Full entries (2 lines) for the newest epochs, summary lines for older ones, as room allows.
  let full = epochs.length;
  let shown = epochs.length;
  const used = () => (shown < epochs.length ? 1 : 0) + shown + full;
  while (used() > room && full > 1) full--;
  while (used() > room && shown > 1) {
    shown--;
    full = Math.min(full, shown);
  }
  const lines = [...notes];
  if (notes.length > 0) lines.push("");
  const first = epochs.length - shown;
  if (first > 0) {
    const where = chart.length > 0 ? " (see the chart)" : "";
    lines.push(c.dim(`… ${plural(first, "earlier epoch")}${where}`));
  }
  epochs.slice(first).forEach((e, i) => {
    lines.push(header(e));
    if (i >= shown - full) lines.push(bar(e));
  });
  lines.push(...chart);
  return lines.slice(0, height);
}

/**
 * The live panel in `width` x `height`: a few first-layer weight tiles (noise at first, then
 * strokes), and each layer's gradient norm with the update/weight ratio of one update.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTrainPanel } from "./train_view.ts";
 *
 * const panel = {
 *   batch: 300,
 *   tiles: [new Float32Array(784).fill(0.1), new Float32Array(784).fill(-0.1)],
 *   tileSide: 28,
 *   conv: false,
 *   layers: [{ layer: 0, name: "dense256", gradientNorm: 0.31, weightNorm: 9, updateRatio: 0.0012 }],
 * };
 * const lines = renderTrainPanel(panel, { width: 40, height: 12, color: "none" });
 * assert.equal(lines[0], "layer 1 weights, batch 300");
 * assert.ok(lines.some((line) => /dense256 +grad 0\.31 +update 1\.2e-3/.test(line)));
 * ```
 */
export function renderTrainPanel(
  panel: TrainPanel,
  options: { width: number; height: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const { width, height } = options;
  // grad: the gradient norm of the last batch; update: how far one update moved the weights,
  // relative to their size
  const word = width >= 36 ? "update" : "upd";
  const stats = panel.layers.map((l) => {
    const ratio = Number.isFinite(l.updateRatio) ? ` ${word} ${formatRatio(l.updateRatio)}` : "";
    return {
      name: l.name.replace(" softmax", ""),
      text: `grad ${l.gradientNorm.toPrecision(2)}${ratio}`,
    };
  });
  const nameWidth = Math.max(0, ...stats.map((s) => s.name.length));
  const statLines = stats.map((s) => truncate(`${s.name.padEnd(nameWidth)} ${s.text}`, width));
  const title = truncate(
    `layer 1 ${panel.conv ? "filters" : "weights"}, batch ${panel.batch.toLocaleString("en-US")}`,
    width,
    "…",
  );
  // Tiles below the numbers: dense units at half size (14 columns, 7 lines) or, when that
  // does not fit, a quarter (7 x 4); conv filters with each tap 2x2, or 1x1 when short.
  // How to read the tiles, when a line is left over for it.
  const hint = c.dim(
    truncate(
      panel.conv
        ? "orange excites a unit, blue inhibits it"
        : "orange excites a unit, blue inhibits it; gray: no digit inks there",
      width,
      "…",
    ),
  );
  const side = panel.tileSide;
  const tileSize = (shrink: number, zoom: number) => {
    let pixels = side;
    for (let i = 0; i < shrink; i++) pixels = Math.ceil(pixels / 2);
    return { width: pixels * zoom, lines: Math.ceil(pixels * zoom / 2) };
  };
  // The tiles are what a learner watches: when the numbers leave no room for one row of them,
  // fewer layers' numbers are listed.
  const smallest = tileSize(panel.conv ? 0 : 2, 1);
  const statRoom = Math.max(0, Math.min(statLines.length, height - 1 - smallest.lines));
  const shownStats = statLines.slice(0, statRoom);
  const hinted = height - 1 - shownStats.length >= 9;
  const room = height - 1 - shownStats.length - (hinted ? 1 : 0);
  const shrink = panel.conv ? 0 : room >= 8 ? 1 : 2;
  const zoom = panel.conv && room >= tileSize(0, 2).lines ? 2 : 1;
  const size = tileSize(shrink, zoom);
  const perRow = Math.max(1, Math.floor((width + 2) / (size.width + 2)));
  const rows = Math.max(0, Math.floor((room + 1) / (size.lines + 1)));
  const tiles = rows === 0 ? [] : renderTileGrid(panel.tiles.slice(0, perRow * rows), {
    tileWidth: side,
    width,
    color: options.color,
    shrink,
    zoom,
    gap: 2,
    scale: 1, // the probe scaled each tile already (displayTile)
  });
  return [
    c.bold(title),
    ...shownStats.map((line) => c.dim(line)),
    ...(hinted && tiles.length > 0 ? [hint] : []),
    ...tiles,
  ].slice(0, height);
}

/** 0.0012 as "1.2e-3". */
function formatRatio(ratio: number): string {
  const [mantissa, exponent] = ratio.toExponential(1).split("e");
  return `${mantissa}e${Number(exponent)}`;
}

/** The notes wrapped to `width` in at most `most` lines; a cut shows as "…" on the last one. */
function noteLines(notes: string[], width: number, most: number): string[] {
  const lines = notes.flatMap((note) => wrapText(note, width));
  if (lines.length <= most) return lines;
  const kept = lines.slice(0, most);
  kept[most - 1] = truncate(`${kept[most - 1]} …`, width, "…");
  return kept;
}

/** The last line of a training run: what happened and where the model is. */
export function outcomeLine(
  result: TrainingResult,
  path: string,
): { text: string; error: boolean } {
  switch (result.status) {
    case "error":
      return { text: result.message, error: true };
    case "diverged":
      return { text: result.message, error: true };
    case "not-started":
      return { text: `Stopped before the first batch; ${path} is unchanged`, error: false };
    case "stopped": {
      const { epochsDone, stepInEpoch } = result.position;
      return {
        text: `Stopped after ${plural(epochsDone, "epoch")} + ${
          plural(stepInEpoch, "batch", "batches")
        }; saved to ${path} (Train resumes it)`,
        error: false,
      };
    }
    case "completed": {
      const accuracy = result.testAccuracy !== null
        ? `, test accuracy ${percent(result.testAccuracy)}`
        : "";
      return {
        text: `Done: ${plural(result.position.epochsDone, "epoch")}${accuracy}; saved to ${path}`,
        error: false,
      };
    }
  }
}

/**
 * The Train screen: a form with defaults, then training with live Keras-style progress lines,
 * a summary per epoch and a chart of loss and test accuracy growing below. Esc or Ctrl-C stops
 * after the current batch; the model is saved after every epoch and when stopped.
 *
 * Training is background work on the screen loop: it holds the model lock, runs the session,
 * sends every training event as a message and at last the outcome; stopping is aborting it.
 */
import type { LoadedModel } from "../../app/load_model.ts";
import { DEFAULT_MODEL_PATH } from "../../app/model_paths.ts";
import type { MnistData } from "../../data/dataset.ts";
import { acquireModelLock } from "../../model/lock.ts";
import { loadNetworkModel, type NetworkModelInfo } from "../../train/checkpoint.ts";
import { flagsOf, readTrainConfig, type TrainValues } from "../../train/options.ts";
import {
  describeSession,
  prepareTrainingSession,
  runTrainingSession,
  type SessionOutcome,
  type TrainRequest,
} from "../../train/session.ts";
import type { TrainEvent } from "../../train/trainer.ts";
import { type LayerTrainingStats, TrainingMonitor } from "../../network/inspect.ts";
import type { Network } from "../../network/network.ts";
import { renderTileGrid } from "../../text/tile_grid.ts";
import { joinColumns } from "../../text/layout.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { lineChart } from "../../text/chart.ts";
import { percent, plural } from "../../text/format.ts";
import { truncate, wrapText } from "../../text/layout.ts";
import { renderProgressLine } from "../../text/progress_bar.ts";
import type { AppContext } from "../context.ts";
import { errorLine } from "../page.ts";
import type { Message, ScreenProgram, Step, View, Work } from "../screen_loop.ts";
import {
  applyTrainConfig,
  configStatus,
  createTrainForm,
  renderTrainForm,
  type TrainForm,
  trainFormKey,
  trainRequestOf,
} from "./train_form.ts";

/** One epoch's progress as shown: running, or done with its test results. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  /** Steps already done when this run reached the epoch (resuming mid-epoch). */
  firstStep: number;
  elapsedMs: number;
  loss: number;
  accuracy: number;
  test?: { accuracy: number; loss: number; seconds: number };
}

/** Everything the training view shows. */
export interface TrainProgress {
  /** What is trained on what ("Resuming ...", "Training 784-256-10 ..."). */
  notes: string[];
  epochs: EpochProgress[];
  /** Per finished epoch (including those of earlier runs of a resumed model). */
  lossHistory: number[];
  testAccuracyHistory: number[];
  /**
   * This run's training loss, smoothed, one point every LOSS_POINT_EVERY batches (the chart is
   * alive from the first seconds), and the test accuracy known at each point (NaN before the
   * first epoch ends).
   */
  lossCurve?: number[];
  accuracyCurve?: number[];
  /** The smoothing's state: the last batch's running mean and count, the moving average. */
  smoothing?: { mean: number; batches: number; average: number; sinceLast: number };
  /** The latest look at the weights and gradients (every PANEL_EVERY batches). */
  panel?: TrainPanel;
}

/** Batches between two points of the smoothed loss curve. */
export const LOSS_POINT_EVERY = 25;

/** Batches between two looks at the weights (tiles, gradient norms, update ratios). */
export const PANEL_EVERY = 300;

/** What the live panel shows: a few first-layer weight tiles and each layer's gradient. */
export interface TrainPanel {
  /** Batches trained in this run when it was taken. */
  batch: number;
  /** Copies of a few first-layer units' weights (dense: 28x28; conv: k x k filters). */
  tiles: Float32Array[];
  tileSide: number;
  conv: boolean;
  /** Per layer with weights: gradient norm, and update/weight ratio of one update. */
  layers: LayerTrainingStats[];
}

/**
 * Takes the live panel's data from a training network every PANEL_EVERY batches (and after
 * the first), from its buffers: a snapshot of the weights one batch before, then the
 * gradients and the weights after that batch's update. Copies small data (a few tiles, a
 * number per layer), so the view never holds the network's live buffers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/network.ts";
 * import { PanelProbe } from "./train.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * const probe = new PanelProbe(network, 4);
 * const panel = probe.afterBatch(); // the first batch: a panel at once
 * assert.equal(panel?.tiles.length, 4);
 * assert.equal(panel?.tiles[0].length, 784);
 * assert.equal(probe.afterBatch(), undefined);
 * ```
 */
export class PanelProbe {
  private readonly monitor: TrainingMonitor;
  private batches = 0;
  private readonly layer: number;

  constructor(private readonly network: Network, private readonly tileCount = 8) {
    this.monitor = new TrainingMonitor(network);
    this.layer = network.layers.findIndex((l) => l.kind === "conv" || l.kind === "dense");
  }

  /** Call after every batch's update; returns a panel when one is due. */
  afterBatch(): TrainPanel | undefined {
    this.batches++;
    const due = this.batches === 1 || this.batches % PANEL_EVERY === 0;
    // one batch before a panel: remember the weights, to measure that one update
    if ((this.batches + 1) % PANEL_EVERY === 0) this.monitor.snapshot();
    if (!due) return undefined;
    return {
      batch: this.batches,
      tiles: firstLayerTiles(this.network, this.layer, this.tileCount),
      tileSide: tileSideOf(this.network, this.layer),
      conv: this.network.layers[this.layer].kind === "conv",
      layers: this.monitor.measure(),
    };
  }
}

function tileSideOf(network: Network, layer: number): number {
  const spec = network.layers[layer];
  return spec.kind === "conv" ? spec.kernel : Math.round(Math.sqrt(network.layerSizes[0]));
}

/** Copies of the first `count` units' incoming weights of `layer`, each as one tile. */
function firstLayerTiles(network: Network, layer: number, count: number): Float32Array[] {
  const weight = network.parameters.find((p) => p.name === `layers.${layer}.weight`)!;
  const spec = network.layers[layer];
  const tiles: Float32Array[] = [];
  if (spec.kind === "conv") {
    // [out, k, k, in]: filter u's taps, summed over the input channels (one for MNIST)
    const [filters, k, , channels] = weight.shape;
    for (let u = 0; u < Math.min(count, filters); u++) {
      const tile = new Float32Array(k * k);
      for (let t = 0; t < k * k; t++) {
        for (let c = 0; c < channels; c++) tile[t] += weight.value[(u * k * k + t) * channels + c];
      }
      tiles.push(tile);
    }
    return tiles;
  }
  // dense [in x out]: unit u's weights are column u
  const [inputs, outputs] = weight.shape;
  for (let u = 0; u < Math.min(count, outputs); u++) {
    const tile = new Float32Array(inputs);
    for (let i = 0; i < inputs; i++) tile[i] = weight.value[i * outputs + u];
    tiles.push(tile);
  }
  return tiles;
}

/** Progress before the first event: nothing known yet. */
const NO_PROGRESS: TrainProgress = {
  notes: [],
  epochs: [],
  lossHistory: [],
  testAccuracyHistory: [],
};

/**
 * Applies a training event to the progress (returns a new object; the input is not changed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyTrainEvent } from "./train.ts";
 *
 * const empty = { notes: [], epochs: [], lossHistory: [], testAccuracyHistory: [] };
 * const started = applyTrainEvent(empty, {
 *   type: "epoch-start", epoch: 1, epochs: 3, steps: 94, firstStep: 0,
 * });
 * assert.equal(started.epochs[0].steps, 94);
 * assert.equal(empty.epochs.length, 0);
 * ```
 */
export function applyTrainEvent(progress: TrainProgress, event: TrainEvent): TrainProgress {
  const epochs = progress.epochs.slice();
  const last = epochs[epochs.length - 1];
  if (event.type === "epoch-start") {
    epochs.push({
      epoch: event.epoch,
      epochs: event.epochs,
      step: event.firstStep,
      steps: event.steps,
      firstStep: event.firstStep,
      elapsedMs: 0,
      loss: NaN,
      accuracy: NaN,
    });
    return { ...progress, epochs };
  }
  if (!last || last.epoch !== event.epoch) return progress;
  if (event.type === "batch") {
    epochs[epochs.length - 1] = {
      ...last,
      step: event.step,
      elapsedMs: event.elapsedMs,
      loss: event.loss,
      accuracy: event.accuracy,
    };
    return {
      ...progress,
      epochs,
      ...smoothLoss(progress, event.loss, event.step - last.firstStep),
    };
  }
  epochs[epochs.length - 1] = {
    ...last,
    step: last.steps,
    elapsedMs: event.seconds * 1000,
    loss: event.loss,
    accuracy: event.trainAccuracy,
    test: { accuracy: event.testAccuracy, loss: event.testLoss, seconds: event.seconds },
  };
  // From now on the curve's accuracy series holds this epoch's test accuracy.
  const accuracyCurve = progress.accuracyCurve?.slice();
  if (accuracyCurve && accuracyCurve.length > 0) {
    accuracyCurve[accuracyCurve.length - 1] = event.testAccuracy;
  }
  return {
    ...progress,
    epochs,
    lossHistory: [...progress.lossHistory, event.loss],
    testAccuracyHistory: [...progress.testAccuracyHistory, event.testAccuracy],
    accuracyCurve,
  };
}

// Weight of a new batch in the moving average: about the last 20 batches count.
const SMOOTHING = 0.05;

/**
 * The smoothed loss after one more batch. A batch event carries the epoch's running mean over
 * `batches` batches; the batch's own loss is the change of that sum (the last batch of an
 * epoch may be smaller: a small error in one point). A moving average of those gives a curve
 * that follows training without the running mean's lag.
 */
function smoothLoss(
  progress: TrainProgress,
  mean: number,
  batches: number,
): Pick<TrainProgress, "lossCurve" | "accuracyCurve" | "smoothing"> {
  const before = progress.smoothing;
  const sameEpoch = before !== undefined && batches > before.batches;
  const batchLoss = sameEpoch
    ? (mean * batches - before.mean * before.batches) / (batches - before.batches)
    : mean;
  const average = before === undefined || !Number.isFinite(before.average)
    ? batchLoss
    : before.average + SMOOTHING * (batchLoss - before.average);
  const sinceLast = (before?.sinceLast ?? LOSS_POINT_EVERY - 1) + 1;
  let lossCurve = progress.lossCurve ?? [];
  let accuracyCurve = progress.accuracyCurve ?? [];
  let next = sinceLast;
  if (sinceLast >= LOSS_POINT_EVERY) {
    const earlier = progress.testAccuracyHistory;
    const lastAccuracy = accuracyCurve.length > 0
      ? accuracyCurve[accuracyCurve.length - 1]
      : earlier.length > 0
      ? earlier[earlier.length - 1]
      : NaN;
    lossCurve = [...lossCurve, average];
    accuracyCurve = [...accuracyCurve, lastAccuracy];
    next = 0;
  }
  return { lossCurve, accuracyCurve, smoothing: { mean, batches, average, sinceLast: next } };
}

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
 * import { renderTrainProgress } from "./train.ts";
 *
 * const progress = {
 *   notes: ["Training 784-256-10"],
 *   epochs: [{
 *     epoch: 1, epochs: 5, step: 300, steps: 938, firstStep: 0, elapsedMs: 600,
 *     loss: 0.31, accuracy: 0.91,
 *   }],
 *   lossHistory: [],
 *   testAccuracyHistory: [],
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
  // This run's smoothed loss, once it has two points; else the loss per epoch (a resumed
  // model's history) as before.
  const curve = (progress.lossCurve?.length ?? 0) >= 2;
  const panelWidth = progress.panel && width >= 80 ? Math.min(64, Math.max(30, width - 80)) : 0;
  const chartWidth = Math.min(width - (panelWidth > 0 ? panelWidth + 2 : 0), 120);
  if (
    (curve || progress.lossHistory.length >= 2) && afterNotes >= usualHeight + 2 + 5 &&
    chartWidth >= 30
  ) {
    const plotRows = Math.min(chartHeight, afterNotes - 5 - 2);
    const accuracies = curve ? progress.accuracyCurve! : progress.testAccuracyHistory;
    // One epoch's accuracy alone would get a scale of ±50%: keep at least 1% around it.
    const finite = accuracies.filter(Number.isFinite);
    const low = Math.min(...finite), high = Math.max(...finite);
    const spread = Math.max(0, 0.01 - (high - low)) / 2;
    const plot = lineChart([
      {
        label: curve && chartWidth >= 60 ? "loss (smoothed)" : "loss",
        values: curve ? progress.lossCurve! : progress.lossHistory,
        format: (v) => v.toFixed(3),
      },
      // the test accuracy once the first epoch has one
      ...(accuracies.some(Number.isFinite)
        ? [{
          label: chartWidth >= 60 ? "test accuracy" : "test acc.",
          values: accuracies,
          min: low - spread,
          max: Math.min(1, high + spread),
          format: (v: number) => percent(v, 1),
        }]
        : []),
    ], { width: chartWidth, height: plotRows, color: options.color });
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
 * import { renderTrainPanel } from "./train.ts";
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
  // does not fit, a quarter (7 x 4); conv filters with each tap 2x2.
  // How to read the tiles, when a line is left over for it.
  const hint = c.dim(truncate("orange excites a unit, blue inhibits it", width, "…"));
  const hinted = height - 1 - statLines.length >= 9;
  const room = height - 1 - statLines.length - (hinted ? 1 : 0);
  const side = panel.tileSide;
  const shrink = panel.conv ? 0 : room >= 8 ? 1 : 2;
  let pixels = side;
  for (let i = 0; i < shrink; i++) pixels = Math.ceil(pixels / 2);
  const zoom = panel.conv ? 2 : 1;
  const tileWidth = pixels * zoom;
  const tileLines = Math.ceil(pixels * zoom / 2);
  const perRow = Math.max(1, Math.floor((width + 2) / (tileWidth + 2)));
  const rows = Math.max(0, Math.floor((room + 1) / (tileLines + 1)));
  const tiles = rows === 0 ? [] : renderTileGrid(panel.tiles.slice(0, perRow * rows), {
    tileWidth: side,
    width,
    color: options.color,
    shrink,
    zoom,
    gap: 2,
  });
  return [
    c.bold(title),
    ...statLines.map((line) => c.dim(line)),
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

/**
 * The command line that does what the form asked, kept in the model file ("made by"), so a
 * run from the menu can be repeated from a shell. Values are written as their options' flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandOf } from "./train.ts";
 *
 * assert.equal(
 *   commandOf({ modelPath: "m.safetensors", epochs: 3, augment: false }, undefined, {}),
 *   "deno task start train --epochs 3 --no-augment",
 * );
 * ```
 */
export function commandOf(
  request: TrainRequest,
  modelFlag: string | undefined,
  data: { dataDir?: string; sample?: boolean },
): string {
  const parts = ["deno task start train"];
  if (modelFlag !== undefined) parts.push(`--model ${request.modelPath}`);
  parts.push(...flagsOf(request));
  if (request.fresh) parts.push("--fresh");
  if (data.sample) parts.push("--sample");
  if (data.dataDir !== undefined) parts.push(`--data-dir ${data.dataDir}`);
  return parts.join(" ");
}

/** How a training run from the screen ended. */
export type TrainingResult =
  | SessionOutcome
  /** Stopped before the first batch: nothing was trained or saved. */
  | { status: "not-started" }
  /** Refused or failed (the lock is held elsewhere, an unreadable file, a full disk). */
  | { status: "error"; message: string };

/** What the Train screen's work sends. */
export type TrainMessage =
  /** The data and the model file's description, for the form. */
  | { type: "loaded"; data: MnistData; existing?: NetworkModelInfo; notice?: string }
  | { type: "load-failed"; message: string }
  /** The session is prepared: what it trains, and the history of earlier runs for the chart. */
  | { type: "session"; notes: string[]; lossHistory: number[]; testAccuracyHistory: number[] }
  /** The notes once training started (they say where augmented digits are made). */
  | { type: "notes"; notes: string[] }
  | { type: "event"; event: TrainEvent }
  /** A look at the weights and gradients (copies), every PANEL_EVERY batches. */
  | { type: "panel"; panel: TrainPanel }
  /** Training ended (the model reloaded by then). */
  | { type: "outcome"; result: TrainingResult }
  /** A training configuration file read for the form (l or Ctrl-O), or why it could not be. */
  | { type: "config"; path: string; values?: Partial<TrainValues>; error?: string };

/** What the screen shows: loading, the form, training, or how training ended. */
export type TrainPhase =
  | { name: "loading" }
  | { name: "form"; form: TrainForm; data: MnistData; notice?: string }
  | { name: "training"; progress: TrainProgress; stopping: boolean }
  | { name: "finished"; progress?: TrainProgress; message: string; error: boolean };

/** The Train screen's state. */
export interface TrainState {
  /** The model file trained and saved to. */
  modelPath: string;
  phase: TrainPhase;
}

const LOAD_WORK = "load";
const TRAIN_WORK = "train";

/**
 * The Train screen: loads the data and the model file's description, shows the form, trains
 * with live progress (Esc or Ctrl-C stop after the batch and save), then shows how it ended
 * until Esc, q or Enter. After training the app's model is reloaded, so the header and the
 * other screens use what was saved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { trainScreen } from "./train.ts";
 *
 * const context = {
 *   modelFlag: "models/example.safetensors",
 *   model: () => { throw new Error("not used before the data is loaded"); },
 *   reloadModel: () => Promise.reject(new Error("not used")),
 *   data: () => Promise.reject(new Error("not used")),
 * };
 * const run = simulate(trainScreen(context), []);
 * assert.deepEqual(run.view.body, ["Loading the data…"]);
 * assert.deepEqual(run.steps[0].work?.map((work) => work.id), ["load"]);
 * ```
 */
export function trainScreen(
  context: Pick<
    AppContext,
    "modelFlag" | "dataDir" | "sample" | "model" | "reloadModel" | "data" | "memory"
  >,
): ScreenProgram<TrainState, TrainMessage, void> {
  const modelPath = context.modelFlag ?? DEFAULT_MODEL_PATH;

  const loadWork: Work<TrainMessage> = {
    id: LOAD_WORK,
    async run(send, signal) {
      try {
        // Esc while the data loads leaves at once: the loading itself cannot be aborted.
        const data = await untilAborted(context.data(), signal);
        if (!data) return;
        const existing = await readExisting(modelPath, context.model());
        send({
          type: "loaded",
          data,
          existing: existing.info,
          notice: existing.error && `${existing.error}; Start training replaces the file`,
        });
      } catch (error) {
        send({ type: "load-failed", message: errorLine(error) });
      }
    },
  };

  const configWork = (path: string): Work<TrainMessage> => ({
    id: "config",
    async run(send) {
      try {
        send({ type: "config", path, values: await readTrainConfig(path) });
      } catch (error) {
        send({ type: "config", path, error: errorLine(error) });
      }
    },
  });

  const trainingWork = (request: TrainRequest, data: MnistData): Work<TrainMessage> => ({
    id: TRAIN_WORK,
    async run(send, signal) {
      const result = await train(request, data, send, signal);
      await context.reloadModel().catch(() => {}); // the header shows what was saved
      send({ type: "outcome", result });
    },
  });

  const train = async (
    request: TrainRequest,
    data: MnistData,
    send: (message: TrainMessage) => void,
    signal: AbortSignal,
  ): Promise<TrainingResult> => {
    try {
      await using _lock = await acquireModelLock(modelPath);
      const session = await prepareTrainingSession({
        ...request,
        command: commandOf(request, context.modelFlag, context),
        remedy:
          "(choose Start fresh to make a new model there, or start the app with another --model)",
      }, data);
      const earlier = session.model.info.history.filter((h) =>
        h.epoch <= session.position.epochsDone
      );
      send({
        type: "session",
        notes: [...session.notes, describeSession(session, data)],
        lossHistory: earlier.map((h) => h.loss),
        testAccuracyHistory: earlier.map((h) => h.testAccuracy),
      });
      if (signal.aborted) return { status: "not-started" };
      const probe = new PanelProbe(session.model.network);
      return await runTrainingSession(session, data, {
        onStart: ({ augmentedOn }) =>
          send({
            type: "notes",
            notes: [...session.notes, describeSession(session, data, augmentedOn)],
          }),
        onEvent: (event) => {
          send({ type: "event", event });
          if (event.type !== "batch") return;
          const panel = probe.afterBatch();
          if (panel) send({ type: "panel", panel });
        },
        shouldStop: () => signal.aborted,
      });
    } catch (error) {
      return { status: "error", message: errorLine(error) };
    }
  };

  const update = (
    state: TrainState,
    message: Message<TrainMessage>,
  ): Step<TrainState, TrainMessage, void> => {
    const phase = state.phase;
    const to = (next: TrainPhase) => ({ state: { ...state, phase: next } });
    const leave = { state, exit: { value: undefined } };

    if (message.type === "work-failed") {
      // The work reports its own failures; this is a bug in it, shown rather than hidden.
      const progress = phase.name === "training" ? phase.progress : undefined;
      return to({ name: "finished", progress, message: errorLine(message.error), error: true });
    }
    switch (phase.name) {
      case "loading":
        if (message.type === "back") return leave;
        if (message.type !== "work") return { state };
        if (message.message.type === "loaded") {
          const { data, existing, notice } = message.message;
          const form = createTrainForm({ modelPath, existing, trainCount: data.train.count });
          return to({ name: "form", form, data, notice });
        }
        if (message.message.type === "load-failed") {
          return to({ name: "finished", message: message.message.message, error: true });
        }
        return { state };

      case "form": {
        if (message.type === "back") {
          // Esc on the config prompt closes the prompt, not the screen.
          if (!phase.form.configPrompt) return leave;
          return to({ ...phase, form: { ...phase.form, configPrompt: undefined } });
        }
        if (message.type === "work" && message.message.type === "config") {
          const { path, values, error } = message.message;
          const form = values
            ? applyTrainConfig(phase.form, values, path)
            : { ...phase.form, configNote: { text: error ?? path, error: true } };
          return to({ ...phase, form });
        }
        if (message.type !== "input") return { state };
        const result = trainFormKey(phase.form, message.event);
        if (result.action === "cancel") return leave;
        if (result.action === "load-config") {
          return { ...to({ ...phase, form: result.form }), work: [configWork(result.configPath!)] };
        }
        const request = result.action === "start" ? trainRequestOf(result.form) : undefined;
        if (!request) return to({ ...phase, form: result.form });
        return {
          ...to({ name: "training", progress: NO_PROGRESS, stopping: false }),
          work: [trainingWork(request, phase.data)],
        };
      }

      case "training": {
        if (message.type === "back") {
          // The work stops after its batch, saves and reports; the screen waits for that.
          if (phase.stopping) return { state };
          return { ...to({ ...phase, stopping: true }), cancel: [TRAIN_WORK] };
        }
        if (message.type !== "work") return { state };
        const sent = message.message;
        const progress = phase.progress;
        switch (sent.type) {
          case "session": {
            const { notes, lossHistory, testAccuracyHistory } = sent;
            return to({
              ...phase,
              progress: { ...progress, notes, lossHistory, testAccuracyHistory },
            });
          }
          case "notes":
            return to({ ...phase, progress: { ...progress, notes: sent.notes } });
          case "event":
            return to({ ...phase, progress: applyTrainEvent(progress, sent.event) });
          case "panel": {
            // Inspect's Health page shows the last measured update ratios of this session.
            const layers = sent.panel.layers;
            if (context.memory && layers.some((l) => Number.isFinite(l.updateRatio))) {
              context.memory.training = { model: modelPath, layers };
            }
            return to({ ...phase, progress: { ...progress, panel: sent.panel } });
          }
          case "outcome": {
            const line = outcomeLine(sent.result, modelPath);
            return to({ name: "finished", progress, message: line.text, error: line.error });
          }
        }
        return { state };
      }

      case "finished": {
        if (message.type === "back") return leave;
        const event = message.type === "input" ? message.event : undefined;
        return event?.type === "key" && event.key === "enter" ? leave : { state };
      }
    }
  };

  return {
    title: "Train",
    init: () => ({ state: { modelPath, phase: { name: "loading" } }, work: [loadWork] }),
    update,
    view: (state, frame): View => {
      const phase = state.phase;
      const progressLines = (progress: TrainProgress) =>
        progress === NO_PROGRESS ? ["Preparing the training…"] : renderTrainProgress(progress, {
          width: frame.columns,
          height: frame.rows - 1, // the status line takes the body's last row
          color: frame.color,
        });
      switch (phase.name) {
        case "loading":
          return { body: ["Loading the data…"], footer: "Esc back" };
        case "form": {
          const status = configStatus(phase.form, frame.color) ??
            (phase.notice ? { text: phase.notice, error: true } : undefined);
          return {
            body: renderTrainForm(phase.form, {
              width: frame.columns,
              height: frame.rows - (status ? 1 : 0),
              color: frame.color,
            }),
            footer:
              "↑/↓ field · type to edit · ←/→ choose · l load config · Enter start · Esc back",
            status,
          };
        }
        case "training":
          return {
            body: progressLines(phase.progress),
            footer: "Esc or Ctrl-C: stop after this batch and save",
            status: {
              text: phase.stopping
                ? "Stopping after this batch, then saving…"
                : `Saving to ${state.modelPath} after every epoch`,
            },
          };
        case "finished":
          return {
            body: phase.progress ? progressLines(phase.progress) : [],
            footer: "Esc, q or Enter: back to the menu",
            status: { text: phase.message, error: phase.error },
          };
      }
    },
    // A signal stopped the training: say on the restored terminal where the model is.
    farewell: (state) => state.phase.name === "finished" ? state.phase.message : undefined,
    // Only a text field takes `q` as a letter; elsewhere it backs out.
    typing: (state) => {
      if (state.phase.name !== "form") return false;
      const form = state.phase.form;
      const field = form.fields[form.focus];
      if (form.configPrompt) return true;
      return field !== undefined && field.kind === "text" && !field.locked;
    },
  };
}

/** The last line of a training run: what happened and where the model is. */
function outcomeLine(result: TrainingResult, path: string): { text: string; error: boolean } {
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

/** Resolves with what `promise` gives, or with undefined as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The info of the model file being trained, when it exists (the loaded one when it is that). */
async function readExisting(
  path: string,
  loaded: LoadedModel,
): Promise<{ info?: NetworkModelInfo; error?: string }> {
  try {
    await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    return { error: errorLine(error) };
  }
  if (loaded.path === path && loaded.info) return { info: loaded.info };
  try {
    return { info: (await loadNetworkModel(path, { maxBatch: 1 })).info };
  } catch (error) {
    return { error: errorLine(error) };
  }
}

/**
 * The Train screen: a form with defaults, then training with live Keras-style progress lines,
 * a summary per epoch and a chart of loss and test accuracy growing below. Esc or Ctrl-C stops
 * after the current batch; the model is saved after every epoch and when stopped.
 */
import type { LoadedModel } from "../../../app/load_model.ts";
import { DEFAULT_MODEL_PATH } from "../../../app/model_paths.ts";
import type { MnistData } from "../../../data/dataset.ts";
import { acquireModelLock } from "../../../model/lock.ts";
import { loadNetworkModel, type NetworkModelInfo } from "../../../train/checkpoint.ts";
import {
  describeSession,
  prepareTrainingSession,
  runTrainingSession,
  type SessionOutcome,
  type TrainRequest,
} from "../../../train/session.ts";
import type { TrainEvent } from "../../../train/trainer.ts";
import { type ColorLevel, paint } from "../../../text/color.ts";
import { lineChart } from "../../../text/chart.ts";
import { truncate, wrapText } from "../../../text/layout.ts";
import { renderProgressLine } from "../../../text/progress_bar.ts";
import type { AppContext } from "../context.ts";
import { bodyRows, errorLine, isBackKey, renderPage } from "../page.ts";
import {
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
}

/** Applies a training event to the progress (returns a new object; the input is not changed). */
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
    return { ...progress, epochs };
  }
  epochs[epochs.length - 1] = {
    ...last,
    step: last.steps,
    elapsedMs: event.seconds * 1000,
    loss: event.loss,
    accuracy: event.trainAccuracy,
    test: { accuracy: event.testAccuracy, loss: event.testLoss, seconds: event.seconds },
  };
  return {
    ...progress,
    epochs,
    lossHistory: [...progress.lossHistory, event.loss],
    testAccuracyHistory: [...progress.testAccuracyHistory, event.testAccuracy],
  };
}

/**
 * The training view in at most `height` lines: the notes, then per epoch a Keras-like
 * `Epoch 2/5` line (with test accuracy and loss once done) and its progress line (ETA while
 * running, elapsed when done), then the chart of loss and test accuracy per epoch. When the
 * epochs do not fit, older ones keep only their summary line, then the oldest are left out.
 *
 * @example
 * ```ts
 * renderTrainProgress(progress, { width: 80, height: 20, color: "none" });
 * ```
 */
export function renderTrainProgress(
  progress: TrainProgress,
  options: { width: number; height: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const { width, height } = options;
  const notes = progress.notes.flatMap((note) => wrapText(note, width)).slice(0, 4);

  const header = (e: EpochProgress) => {
    const title = c.bold(`Epoch ${e.epoch}/${e.epochs}`);
    if (!e.test) return title;
    return truncate(
      `${title}  test accuracy ${c.bold.green(`${(e.test.accuracy * 100).toFixed(2)}%`)}` +
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

  const history = progress.lossHistory.length;
  let chart: string[] = [];
  const chartHeight = Math.max(3, Math.min(12, Math.floor(height / 3)));
  if (history >= 2 && height - notes.length - 2 >= chartHeight + 1 + 5 && width >= 30) {
    chart = [
      "",
      ...lineChart([
        { label: "loss", values: progress.lossHistory, format: (v) => v.toFixed(3) },
        {
          label: "test accuracy",
          values: progress.testAccuracyHistory,
          format: (v) => `${(v * 100).toFixed(1)}%`,
        },
      ], { width: Math.min(width, 120), height: chartHeight, color: options.color }),
    ];
  }

  const room = height - notes.length - (notes.length > 0 ? 1 : 0) - chart.length;
  const epochs = progress.epochs;
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
    lines.push(c.dim(`… ${first} earlier epoch${first === 1 ? "" : "s"} (see the chart)`));
  }
  epochs.slice(first).forEach((e, i) => {
    lines.push(header(e));
    if (i >= shown - full) lines.push(bar(e));
  });
  lines.push(...chart);
  return lines.slice(0, height);
}

/**
 * The command line that does what the form asked, kept in the model file ("made by"), so a
 * run from the menu can be repeated from a shell.
 */
export function commandOf(
  request: TrainRequest,
  modelFlag: string | undefined,
  data: { dataDir?: string; sample?: boolean },
): string {
  const parts = ["deno task start train"];
  if (modelFlag !== undefined) parts.push(`--model ${request.modelPath}`);
  if (request.hidden) parts.push(`--hidden ${request.hidden.join(",") || "none"}`);
  if (request.activation) parts.push(`--activation ${request.activation}`);
  if (request.epochs !== undefined) parts.push(`--epochs ${request.epochs}`);
  if (request.batch !== undefined) parts.push(`--batch ${request.batch}`);
  if (request.lr !== undefined) parts.push(`--lr ${request.lr}`);
  if (request.optimizer) parts.push(`--optimizer ${request.optimizer}`);
  if (request.limit !== undefined) parts.push(`--limit ${request.limit}`);
  if (request.augment !== undefined) parts.push(request.augment ? "--augment" : "--no-augment");
  if (request.fresh) parts.push("--fresh");
  if (data.sample) parts.push("--sample");
  if (data.dataDir !== undefined) parts.push(`--data-dir ${data.dataDir}`);
  return parts.join(" ");
}

type Phase =
  | { name: "loading" }
  | { name: "form"; form: TrainForm; data: MnistData }
  | { name: "running"; progress: TrainProgress; stopping: boolean }
  | { name: "finished"; progress?: TrainProgress; message: string; error: boolean };

/** Runs the Train screen until the user leaves it. */
export async function runTrainScreen(context: AppContext): Promise<void> {
  const { screen, color } = context;
  const modelPath = context.modelFlag ?? DEFAULT_MODEL_PATH;
  let phase: Phase = { name: "loading" };
  // Callbacks change the phase; reading it through a function keeps TypeScript from assuming
  // it is still "loading".
  const currentPhase = (): Phase => phase;
  let leaving = false;
  let lastDraw = 0;
  let drawTimer: ReturnType<typeof setTimeout> | undefined;
  let formStatus: string | undefined;

  const draw = () => {
    if (leaving) return;
    clearTimeout(drawTimer);
    drawTimer = undefined;
    lastDraw = performance.now();
    const size = screen.size();
    const header = context.header?.(size.columns) ?? [];
    let body: string[] = [];
    let status: { text: string; error?: boolean } | undefined;
    let footer = "Esc back";
    if (phase.name === "loading") body = ["Loading the data…"];
    if (phase.name === "form") {
      body = renderTrainForm(phase.form, { width: size.columns, color });
      footer = "↑/↓ field · type to edit · ←/→ choose · Enter start · Esc back";
      if (formStatus) status = { text: formStatus, error: true };
    }
    if (phase.name === "running") {
      status = {
        text: phase.stopping
          ? "Stopping after this batch, then saving…"
          : `Saving to ${modelPath} after every epoch`,
      };
      footer = "Esc or Ctrl-C: stop after this batch and save";
      const height = bodyRows(size, header.length, true);
      body = renderTrainProgress(phase.progress, { width: size.columns, height, color });
    }
    if (phase.name === "finished") {
      status = { text: phase.message, error: phase.error };
      footer = "press any key to return to the menu";
      if (phase.progress) {
        const height = bodyRows(size, header.length, true);
        body = renderTrainProgress(phase.progress, { width: size.columns, height, color });
      }
    }
    screen.draw(renderPage({ header, title: "Train", body, footer, status }, size, color));
  };
  // Batch events come thousands of times a second: redraw at most every 50 ms.
  const drawSoon = () => {
    if (drawTimer !== undefined) return;
    const wait = 50 - (performance.now() - lastDraw);
    if (wait <= 0) draw();
    else drawTimer = setTimeout(draw, wait);
  };

  let training: Promise<void> | undefined;
  const start = (data: MnistData, request: TrainRequest) => {
    const progress: TrainProgress = {
      notes: [],
      epochs: [],
      lossHistory: [],
      testAccuracyHistory: [],
    };
    const running: Phase & { name: "running" } = { name: "running", progress, stopping: false };
    phase = running;
    draw();
    training = (async () => {
      let outcome: SessionOutcome;
      const lock = await acquireModelLock(modelPath);
      try {
        const session = await prepareTrainingSession({
          ...request,
          command: commandOf(request, context.modelFlag, context),
          remedy:
            "(choose Start fresh to make a new model there, or start the app with another --model)",
        }, data);
        const earlier = session.model.info.history.filter((h) =>
          h.epoch <= session.position.epochsDone
        );
        running.progress = {
          ...running.progress,
          notes: [...session.notes, describeSession(session, data)],
          lossHistory: earlier.map((h) => h.loss),
          testAccuracyHistory: earlier.map((h) => h.testAccuracy),
        };
        draw();
        outcome = await runTrainingSession(session, data, {
          onStart: ({ augmentedOn }) => {
            running.progress.notes = [
              ...session.notes,
              describeSession(session, data, augmentedOn),
            ];
          },
          onEvent: (event) => {
            running.progress = applyTrainEvent(running.progress, event);
            if (event.type === "batch") drawSoon();
            else draw();
          },
          // The terminal was taken away (a signal): stop after this batch and save.
          shouldStop: () => running.stopping || !screen.active,
        });
      } finally {
        await lock.release();
      }
      await context.reloadModel();
      const finished = outcomeMessage(outcome, modelPath);
      phase = { name: "finished", progress: running.progress, ...finished };
      // Stopped by a signal: the terminal is already restored; say where the model is.
      if (!screen.active) console.log(finished.message);
    })().catch((error) => {
      phase = {
        name: "finished",
        progress: running.progress,
        message: errorLine(error),
        error: true,
      };
      return context.reloadModel().then(() => {}, () => {});
    }).finally(draw);
  };

  const prepare = (async () => {
    const data = await context.data();
    const existing = await readExisting(modelPath, context.model());
    if (existing.error) formStatus = `${existing.error}; Start training replaces the file`;
    const form = createTrainForm({
      modelPath,
      existing: existing.info,
      trainCount: data.train.count,
    });
    phase = { name: "form", form, data };
  })().catch((error) => {
    phase = { name: "finished", message: errorLine(error), error: true };
  }).finally(draw);

  draw();
  const unsubscribe = screen.onResize(draw);
  try {
    for await (const event of screen.events()) {
      const current = currentPhase();
      if (current.name === "loading") {
        if (isBackKey(event)) break;
      } else if (current.name === "form") {
        const result = trainFormKey(current.form, event);
        if (result.action === "cancel") break;
        current.form = result.form;
        if (result.action === "start") {
          const request = trainRequestOf(current.form);
          if (request) start(current.data, request);
        }
        draw();
      } else if (current.name === "running") {
        if (isBackKey(event) && !current.stopping) {
          current.stopping = true;
          draw();
        }
      } else if (event.type === "key") break;
    }
  } finally {
    leaving = true;
    clearTimeout(drawTimer);
    unsubscribe();
    const running = currentPhase();
    if (running.name === "running") running.stopping = true; // the terminal closed under us
    await prepare;
    await training;
  }
}

/** The last line of a training run: what happened and where the model is. */
function outcomeMessage(
  outcome: SessionOutcome,
  path: string,
): { message: string; error: boolean } {
  if (outcome.status === "diverged") return { message: outcome.message, error: true };
  if (outcome.status === "stopped") {
    const { epochsDone, stepInEpoch } = outcome.position;
    return {
      message: `Stopped after ${epochsDone} epoch${
        epochsDone === 1 ? "" : "s"
      } + ${stepInEpoch} batches; saved to ${path} (Train resumes it)`,
      error: false,
    };
  }
  const accuracy = outcome.testAccuracy !== null
    ? `, test accuracy ${(outcome.testAccuracy * 100).toFixed(2)}%`
    : "";
  return {
    message: `Done: ${outcome.position.epochsDone} epoch${
      outcome.position.epochsDone === 1 ? "" : "s"
    }${accuracy}; saved to ${path}`,
    error: false,
  };
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

// TEMPORARY: replaced by the screen-loop version of this screen.
import { pendingScreen } from "./pending.ts";
import type { ScreenProgram as PendingProgram } from "../screen_loop.ts";
export function trainScreen(_context: AppContext): PendingProgram<null, never, unknown> {
  return pendingScreen("train");
}

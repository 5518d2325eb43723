/**
 * The Train screen: a form with defaults, then training with live Keras-style progress lines,
 * a summary per epoch and a chart of loss and test accuracy growing below. Esc or Ctrl-C stops
 * after the current batch; the model is saved after every epoch and when stopped.
 *
 * Training is background work on the screen loop: it holds the model lock, runs the session,
 * sends every training event as a message and at last the outcome; stopping is aborting it.
 * What the events add up to is train_progress.ts (a pure reducer); how it looks, train_view.ts.
 */
import type { LoadedModel } from "../../app/load_model.ts";
import { DEFAULT_MODEL_PATH } from "../../app/model_paths.ts";
import type { MnistData } from "../../data/dataset.ts";
import { acquireModelLock } from "../../model/mod.ts";
import { inkedPixels, PanelProbe, type TrainPanel } from "../../network/weight_tiles.ts";
import { loadNetworkModel, type NetworkModelInfo } from "../../train/checkpoint.ts";
import type { TrainValues } from "../../train/options.ts";
import { commandOf } from "../../train/train_values.ts";
import { readTrainConfig } from "../../train/train_config.ts";
import {
  describeSession,
  prepareTrainingSession,
  runTrainingSession,
  type TrainRequest,
} from "../../train/session.ts";
import type { TrainEvent } from "../../train/trainer.ts";
import { continuedCurves, type LossPoint } from "../../train/run_record.ts";
import { unlessAborted } from "../abortable.ts";
import type { AppContext } from "../context.ts";
import { wrapText } from "../../text/layout.ts";
import { errorLine } from "../page.ts";
import type { Message, ScreenProgram, Step, View, Work } from "../screen_loop.ts";
import {
  applyTrainConfig,
  configStatus,
  createTrainForm,
  type TrainForm,
  trainFormKey,
  trainRequestOf,
} from "./train_form.ts";
import { renderTrainForm } from "./train_form_view.ts";
import { applyTrainEvent, NO_PROGRESS, type TrainProgress } from "./train_progress.ts";
import { outcomeLine, renderTrainProgress, type TrainingResult } from "./train_view.ts";
import type { ModelInUse } from "./train_form.ts";

/** What the Train screen's work sends. */
export type TrainMessage =
  /** The data and the model file's description, for the form. */
  | {
    type: "loaded";
    data: MnistData;
    existing?: NetworkModelInfo;
    notice?: string;
    /** The model the other screens use now, when it is another file than the one trained. */
    inUse?: ModelInUse;
  }
  | { type: "load-failed"; message: string }
  /** The session is prepared: what it trains, and the history of earlier runs for the chart. */
  | {
    type: "session";
    notes: string[];
    lossPoints: LossPoint[];
    accuracyPoints: TrainProgress["accuracyPoints"];
  }
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
    "modelFlag" | "dataDir" | "sample" | "model" | "reloadModel" | "data"
  >,
): ScreenProgram<TrainState, TrainMessage, void> {
  const modelPath = context.modelFlag ?? DEFAULT_MODEL_PATH;

  const loadWork: Work<TrainMessage> = {
    id: LOAD_WORK,
    async run(send, signal) {
      try {
        // Esc while the data loads leaves at once: the loading itself cannot be aborted.
        const data = await unlessAborted(context.data(), signal);
        if (!data) return;
        const existing = await readExisting(modelPath, context.model());
        const current = context.model();
        send({
          type: "loaded",
          data,
          existing: existing.info,
          notice: existing.error && `${existing.error}; Start training replaces the file`,
          inUse: current.path !== undefined && current.path !== modelPath && !current.random
            ? { path: current.path, accuracy: current.info?.testAccuracy ?? null }
            : undefined,
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
      // The chart continues the run's curve (its record), or for a model trained before runs
      // were recorded, its loss per epoch at each epoch's end.
      const earlier = continuedCurves(
        session.run ?? {
          epochs: [],
          lossPoints: session.model.info.history.map((h) => ({ epoch: h.epoch, loss: h.loss })),
        },
        session.position,
      );
      const accuracies = session.run
        ? earlier.epochs
        : session.model.info.history.filter((h) => h.epoch <= session.position.epochsDone);
      send({
        type: "session",
        notes: [...session.notes, describeSession(session, data)],
        lossPoints: earlier.lossPoints,
        accuracyPoints: accuracies.map((h) => ({ epoch: h.epoch, accuracy: h.testAccuracy })),
      });
      if (signal.aborted) return { status: "not-started" };
      // the border pixels no training digit inks are marked, not shown as noise
      const probe = new PanelProbe(session.model.network, 8, inkedPixels(data.train));
      const outcome = await runTrainingSession(session, data, {
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
      // the weights as training left them, not as the last periodic look saw them
      send({ type: "panel", panel: probe.panel() });
      return outcome;
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
          const { data, existing, notice, inUse } = message.message;
          const form = createTrainForm({
            modelPath,
            existing,
            trainCount: data.train.count,
            inUse,
          });
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
            const { notes, lossPoints, accuracyPoints } = sent;
            return to({
              ...phase,
              progress: { ...progress, notes, lossPoints, accuracyPoints },
            });
          }
          case "notes":
            return to({ ...phase, progress: { ...progress, notes: sent.notes } });
          case "event":
            return to({ ...phase, progress: applyTrainEvent(progress, sent.event) });
          case "panel": {
            // Inspect's Health page shows the last measured update ratios of this session.
            const layers = sent.panel.layers;
            const step = to({ ...phase, progress: { ...progress, panel: sent.panel } });
            if (!layers.some((l) => Number.isFinite(l.updateRatio))) return step;
            return { ...step, remember: { training: { model: modelPath, layers } } };
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
      // The page wraps a long status (where a stopped run saved, and that Train resumes it)
      // onto up to three of the body's last rows: the body leaves them free, not cut.
      const statusRows = (status?: { text: string }) =>
        status ? Math.min(3, wrapText(status.text, frame.columns).length) : 0;
      const progressLines = (progress: TrainProgress, status: { text: string }) =>
        progress === NO_PROGRESS ? ["Preparing the training…"] : renderTrainProgress(progress, {
          width: frame.columns,
          height: frame.rows - statusRows(status),
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
              height: frame.rows - statusRows(status),
              color: frame.color,
            }),
            // At 80 columns the long hints would lose "Enter start", the one a newcomer needs.
            footer: frame.columns >= 90
              ? "↑/↓ field · type to edit · ←/→ choose · l load config · f fast CNN · Enter start · Esc back"
              : "↑/↓ field · ←/→ choose · l config · f fast CNN · Enter start · Esc back",
            status,
          };
        }
        case "training": {
          const status = {
            text: phase.stopping
              ? "Stopping after this batch, then saving…"
              : `Saving to ${state.modelPath} after every epoch`,
          };
          return {
            body: progressLines(phase.progress, status),
            footer: "Esc or Ctrl-C: stop after this batch and save",
            status,
          };
        }
        case "finished": {
          const status = { text: phase.message, error: phase.error };
          return {
            body: phase.progress ? progressLines(phase.progress, status) : [],
            footer: "Esc, q or Enter: back to the menu",
            status,
          };
        }
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

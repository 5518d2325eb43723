/**
 * The Runs screen: the training runs recorded beside the model files (src/train/run_record.ts)
 * as a table, and the loss and test-accuracy curves of the runs you pick (up to four, one color
 * each, or one dot pattern each without color) overlaid on one axis of epochs, to compare them
 * as Nielsen's chapters do (sigmoid against ReLU, a learning rate of 0.1 against 0.001).
 *
 * @module
 */
import { alignRows, RUN_COLUMNS, RUN_NUMBER_COLUMNS, runCells } from "../../app/run_table.ts";
import { lineChart } from "../../text/chart.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { percent } from "../../text/format.ts";
import { truncate } from "../../text/layout.ts";
import { listRuns, type RunRecord } from "../../train/run_record.ts";
import type { AppContext } from "../context.ts";
import { errorLine } from "../page.ts";
import type { Frame, ScreenProgram, Work } from "../screen_loop.ts";

/** At most this many runs overlaid. */
export const MAX_PICKED = 4;

/** What the Runs screen knows. */
export interface RunsState {
  /** The folder whose runs are listed. */
  dir: string;
  /** Undefined while loading. */
  runs?: RunRecord[];
  error?: string;
  /** The highlighted row. */
  selected: number;
  /** Indices of the runs overlaid, in the order picked (their colors). */
  picked: number[];
  /** A one-line note (e.g. "at most four"). */
  note?: string;
}

/** What the screen's work sends. */
export type RunsMessage =
  | { type: "listed"; runs: RunRecord[] }
  | { type: "failed"; message: string };

/** The folder of the model file in use: runs are recorded beside model files. */
export function runsFolder(modelPath: string | undefined): string {
  const path = modelPath ?? "models/default.safetensors";
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "." : path.slice(0, slash) || "/";
}

function listWork(dir: string): Work<RunsMessage> {
  return {
    id: "list",
    run: async (send) => {
      try {
        send({ type: "listed", runs: await listRuns(dir) });
      } catch (error) {
        send({ type: "failed", message: errorLine(error) });
      }
    },
  };
}

/**
 * A new state after a key: ↑/↓ (j/k) move, Space or Enter picks or unpicks the highlighted run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickKey } from "./runs.ts";
 *
 * const state = { dir: "models", runs: [], selected: 0, picked: [] };
 * assert.deepEqual(pickKey({ ...state, picked: [0] }, " ", 3).picked, []);
 * assert.deepEqual(pickKey(state, "down", 3).selected, 1);
 * ```
 */
export function pickKey(state: RunsState, key: string, count: number): RunsState {
  if (count === 0) return state;
  if (key === "up" || key === "k") {
    return { ...state, selected: (state.selected + count - 1) % count, note: undefined };
  }
  if (key === "down" || key === "j") {
    return { ...state, selected: (state.selected + 1) % count, note: undefined };
  }
  if (key !== " " && key !== "enter") return state;
  const at = state.picked.indexOf(state.selected);
  if (at >= 0) {
    return { ...state, picked: state.picked.filter((i) => i !== state.selected), note: undefined };
  }
  if (state.picked.length >= MAX_PICKED) {
    return { ...state, note: `At most ${MAX_PICKED} runs at once: unpick one first.` };
  }
  return { ...state, picked: [...state.picked, state.selected], note: undefined };
}

// The chart colors of picked runs, in lineChart's series order.
const PICK_TINTS = ["cyan", "yellow", "magenta", "green"] as const;
const PLAIN_PICKS = ["1", "2", "3", "4"];

/**
 * The Runs page: the table, then the picked runs' (or the highlighted run's) loss and test
 * accuracy on one axis of epochs.
 */
export function renderRuns(
  state: RunsState,
  options: { width: number; height: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const { width, height } = options;
  const runs = state.runs ?? [];
  if (runs.length === 0) {
    return [
      `No training runs recorded in ${state.dir}/ yet.`,
      "",
      c.dim(truncate("Each training (the Train screen or `train`) records its run beside", width)),
      c.dim(truncate("its model file; train two models to compare them here.", width)),
    ];
  }
  const table = alignRows([
    ["  ", ...RUN_COLUMNS],
    ...runs.map((run, i) => {
      const pick = state.picked.indexOf(i);
      // the highlighted row's marker (reverse video shows it too), then the pick's number
      const marker = i === state.selected ? "▸" : " ";
      return [`${marker}${pick < 0 ? " " : PLAIN_PICKS[pick]}`, ...runCells(run, true)];
    }),
  ], RUN_NUMBER_COLUMNS.map((i) => i + 1));
  const tableLines = table.map((line, row) => {
    const text = truncate(line, width, "…");
    if (row === 0) return c.dim(text);
    const i = row - 1;
    const pick = state.picked.indexOf(i);
    const tinted = pick >= 0 ? c[PICK_TINTS[pick]](text) : text;
    return i === state.selected ? c.bold.underline(tinted) : tinted;
  });
  // the table takes at most half the height; it scrolls with the highlighted row
  const tableRoom = Math.max(3, Math.floor(height / 2));
  const first = Math.max(
    0,
    Math.min(state.selected + 1 - (tableRoom - 1), runs.length - tableRoom + 1),
  );
  const shownTable = [tableLines[0], ...tableLines.slice(1 + first, first + tableRoom)];
  const shown = state.picked.length > 0 ? state.picked : [state.selected];
  const chosen = shown.map((i) => runs[i]);
  const lines = [...shownTable, ""];
  const chartRoom = height - lines.length - (state.note ? 1 : 0);
  // two charts (loss, accuracy), each plot + axis (2) + legend (1)
  const plotRows = Math.floor((chartRoom - 2 * 3 - 1) / 2);
  if (plotRows >= 3 && width >= 30) {
    const lastEpoch = Math.max(1, ...chosen.map((run) => run.epochs.at(-1)?.epoch ?? 0));
    const xRange = { min: 0, max: lastEpoch, unit: "epoch" };
    const label = (run: RunRecord) => truncate(run.model.split("/").at(-1)!, 24, "…");
    const loss = lineChart(
      chosen.map((run) => ({
        label: label(run),
        values: run.lossPoints.map((p) => p.loss),
        xs: run.lossPoints.map((p) => p.epoch),
        format: (v: number) => v.toFixed(3),
      })),
      { width, height: plotRows, color: options.color, xRange, sharedScale: true },
    );
    const accuracy = lineChart(
      chosen.map((run) => ({
        label: label(run),
        values: run.epochs.map((e) => e.testAccuracy),
        xs: run.epochs.map((e) => e.epoch),
        marks: true,
        format: (v: number) => percent(v, 1),
      })),
      { width, height: plotRows, color: options.color, xRange, sharedScale: true },
    );
    lines.push(
      c.bold("Training loss (smoothed)"),
      ...loss.map((line) => truncate(line, width)),
      c.bold("Test accuracy after each epoch"),
      ...accuracy.map((line) => truncate(line, width)),
    );
  } else {
    lines.push(c.dim(truncate("(a taller terminal shows the runs' curves)", width)));
  }
  if (state.note) lines.push(c.yellow(truncate(state.note, width)));
  return lines.slice(0, height);
}

/**
 * The Runs screen: lists the runs recorded in the folder of the model in use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { runsScreen } from "./runs.ts";
 *
 * const run = simulate(runsScreen({ modelFlag: "/nonexistent/m.safetensors" }), []);
 * assert.equal(run.state.dir, "/nonexistent");
 * ```
 */
export function runsScreen(
  context: Pick<AppContext, "modelFlag">,
): ScreenProgram<RunsState, RunsMessage, void> {
  return {
    title: "Runs",
    init: () => {
      const dir = runsFolder(context.modelFlag);
      return { state: { dir, selected: 0, picked: [] }, work: [listWork(dir)] };
    },
    update(state, message) {
      if (message.type === "back") return { state, exit: { value: undefined } };
      if (message.type === "work") {
        const sent = message.message;
        if (sent.type === "failed") return { state: { ...state, error: sent.message, runs: [] } };
        // the newest run highlighted, and overlaid until others are picked
        const last = Math.max(0, sent.runs.length - 1);
        return { state: { ...state, runs: sent.runs, selected: last } };
      }
      if (message.type !== "input" || message.event.type !== "key") return { state };
      return { state: pickKey(state, message.event.key, state.runs?.length ?? 0) };
    },
    view(state: RunsState, frame: Frame) {
      const body = state.runs === undefined
        ? [`Reading the runs in ${state.dir}/ …`]
        : renderRuns(state, { width: frame.columns, height: frame.rows, color: frame.color });
      return {
        body,
        footer: "↑/↓ choose · Space pick to compare (up to 4) · Esc back",
        ...(state.error ? { status: { text: state.error, error: true } } : {}),
      };
    },
  };
}

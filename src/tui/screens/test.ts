/** The Test screen: accuracy, confusion matrix, per-digit metrics and mistakes on the test set. */
import type { Dataset } from "../../data/dataset.ts";
import type { Evaluation } from "../../train/evaluate.ts";
import { mostConfusedPairs, perDigitMetrics } from "../../train/metrics.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { renderBlockArt, sideBySide } from "../../text/block_art.ts";
import { renderHeatTable } from "../../text/heat_table.ts";
import { renderPerDigitTable } from "../../text/per_digit_table.ts";
import { renderReliabilityDiagram } from "../../text/reliability_diagram.ts";
import type { CalibrationReport } from "../../train/calibration.ts";
import { digitCalibration } from "../../train/refusal.ts";
import { joinColumns, visibleWidth, wrapText } from "../../text/layout.ts";
import { renderProgressLine } from "../../text/progress_bar.ts";
import { count, percent, plural } from "../../text/format.ts";
import type { InputEvent } from "../terminal/keys.ts";
import { unlessAborted } from "../abortable.ts";
import { evaluateInChunks } from "../chunked_evaluation.ts";
import type { AppContext } from "../context.ts";
import { errorLine, scrollByKey, scrollPosition, scrollWindow } from "../page.ts";
import type { Frame, ScreenProgram, Step, Work } from "../screen_loop.ts";

/** What the test report is made from. */
export interface TestReport {
  evaluation: Evaluation;
  /** The evaluated test set (for drawing the misclassified digits). */
  test: Dataset;
  /** The network is untrained. */
  random: boolean;
  /** The data is the offline sample, not the full MNIST. */
  sample: boolean;
  /** How well its confidences match how often it is right (with the model's temperature). */
  calibration?: CalibrationReport;
}

/**
 * The report as lines for a terminal `width` wide: accuracy with warnings (random network,
 * sample data), the colored confusion heat table, per-digit precision/recall/F1 (beside the
 * table when there is room), the most confused pairs, and misclassified digits as block art
 * captioned "true → predicted", up to `galleryRows` rows of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/mod.ts";
 * import { evaluateNetwork } from "../../train/evaluate.ts";
 * import { renderTestReport } from "./test.ts";
 *
 * const test = { pixels: new Uint8Array(20 * 784), labels: new Uint8Array(20), count: 20 };
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, { seed: 1 });
 * const evaluation = evaluateNetwork(network, test);
 * const lines = renderTestReport({ evaluation, test, random: true, sample: false }, {
 *   width: 80,
 *   color: "none",
 * });
 * assert.match(lines[0], /^Accuracy \d+\.\d\d% {2}\(\d+ of 20 test digits right\)/);
 * ```
 */
export function renderTestReport(
  report: TestReport,
  options: {
    width: number;
    color: ColorLevel;
    galleryRows?: number;
    /** The chosen cell of the confusion matrix (marked, and said under the table). */
    selected?: ConfusionCell;
  },
): string[] {
  const c = paint(options.color);
  const { evaluation, test } = report;
  const lines: string[] = [];
  lines.push(
    `${c.bold("Accuracy")} ${c.bold.green(percent(evaluation.accuracy))}  ` +
      `(${count(evaluation.correct)} of ${count(evaluation.total)} test digits right) · loss ${
        evaluation.loss.toFixed(4)
      }`,
  );
  if (report.random) {
    lines.push(
      c.yellow("This network is random (untrained): ~10% is the chance baseline. Train it first."),
    );
  }
  if (report.sample) {
    lines.push(c.yellow(
      `Measured on the ${
        count(evaluation.total)
      } test digits of the offline SAMPLE, not the full MNIST test set.`,
    ));
  }
  lines.push("");

  const heat = renderHeatTable(evaluation.confusion, {
    color: options.color,
    totals: true,
    selected: options.selected && {
      row: options.selected.actual,
      column: options.selected.predicted,
    },
  });
  if (options.selected) heat.push(c.yellow(cellLine(evaluation, options.selected)));
  const metrics = perDigitMetrics(evaluation.confusion);
  const metricLines = renderPerDigitTable(metrics, options.color);
  const pairs = mostConfusedPairs(evaluation.confusion, 5);
  const pairLines = [
    c.bold("Most confused"),
    ...(pairs.length === 0
      ? [c.dim("  none")]
      : pairs.map((pair) =>
        `  ${c.bold(String(pair.actual))} taken for ${c.bold(String(pair.predicted))}: ${
          " ".repeat(Math.max(0, 4 - count(pair.count).length))
        }${plural(pair.count, "time")}`
      )),
  ];
  const heatWidth = Math.max(...heat.map(visibleWidth));
  const metricsWidth = Math.max(...metricLines.map(visibleWidth));
  if (options.width >= heatWidth + 3 + metricsWidth) {
    lines.push(...joinColumns([heat, ["", ...metricLines, "", ...pairLines]], 3));
  } else {
    lines.push(...heat, "", ...metricLines, "", ...pairLines);
  }

  lines.push(...renderCalibration(report, options.width, options.color));

  const wrong: number[] = [];
  for (let i = 0; i < evaluation.total; i++) {
    if (evaluation.predictions[i] !== test.labels[i]) wrong.push(i);
  }
  lines.push("");
  if (wrong.length === 0) {
    lines.push(c.green("No misclassified digits."));
    return lines;
  }
  const perRow = Math.max(1, Math.floor((options.width + 2) / 30));
  const shown = wrong.slice(0, perRow * (options.galleryRows ?? 3));
  lines.push(
    c.bold("Misclassified digits") +
      c.dim(` (true → predicted, confidence; first ${shown.length} of ${count(wrong.length)})`),
  );
  const blocks = shown.map((i) =>
    renderBlockArt(test.pixels.subarray(i * 784, (i + 1) * 784), {
      width: 28,
      color: options.color,
    })
  );
  const captions = shown.map((i) =>
    `${test.labels[i]} → ${evaluation.predictions[i]} (${
      Math.round(evaluation.confidences[i] * 100)
    }%)`
  );
  lines.push(...sideBySide(blocks, 2, options.width, captions));
  return lines;
}

/**
 * "When it says 90% sure, is it right 9 times in 10?": the expected calibration error and the
 * reliability diagram of the test set's guesses, with the model's temperature. Nothing when
 * the report has no calibration.
 */
function renderCalibration(report: TestReport, width: number, color: ColorLevel): string[] {
  const calibration = report.calibration;
  if (!calibration) return [];
  const c = paint(color);
  const temperature = calibration.temperature;
  const scaled = temperature === 1
    ? "no temperature fitted"
    : `temperature ${temperature.toFixed(2)}; ${percent(calibration.eceBefore)} without it`;
  return [
    "",
    c.bold("Is it as sure as it says?") +
    c.dim(` When it says 90%, it should be right 9 times in 10.`),
    c.dim(`Calibration error ${percent(calibration.ece)} (${scaled})`),
    ...renderReliabilityDiagram(calibration.bins, { width: Math.min(width, 80), color }),
  ];
}

/** A cell of the confusion matrix: digits that are `actual` and were read as `predicted`. */
export interface ConfusionCell {
  actual: number;
  predicted: number;
}

/** What the chosen cell holds, in a line: "4 taken for 9: 12 digits · Enter shows them". */
function cellLine(evaluation: Evaluation, cell: ConfusionCell): string {
  const n = evaluation.confusion[cell.actual][cell.predicted];
  if (cell.actual === cell.predicted) {
    return `Chosen: ${cell.actual} read as ${cell.actual}, ${
      plural(n, "right answer")
    } (choose a cell off the diagonal to see mistakes)`;
  }
  return `Chosen: ${cell.actual} taken for ${cell.predicted}, ${plural(n, "time")}` +
    (n > 0 ? " · Enter shows them" : "");
}

/**
 * The test digits that are `cell.actual` and were read as `cell.predicted`, in test-set order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellMistakes } from "./test.ts";
 *
 * const labels = new Uint8Array([4, 9, 4, 4]);
 * const evaluation = { predictions: new Uint8Array([9, 9, 4, 9]), total: 4 };
 * assert.deepEqual(cellMistakes(evaluation, labels, { actual: 4, predicted: 9 }), [0, 3]);
 * ```
 */
export function cellMistakes(
  evaluation: Pick<Evaluation, "predictions" | "total">,
  labels: Uint8Array,
  cell: ConfusionCell,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < evaluation.total; i++) {
    if (labels[i] === cell.actual && evaluation.predictions[i] === cell.predicted) out.push(i);
  }
  return out;
}

/** Thumbnails per page of mistakes in a body of `width` x `height` (28x14 art + caption). */
function mistakesPerPage(width: number, height: number): number {
  const perRow = Math.max(1, Math.floor((width + 2) / 30));
  const rows = Math.max(1, Math.floor((height - 2 + 1) / 16));
  return perRow * rows;
}

/**
 * One page of the digits of a confusion cell: which cell and how many, then each digit as
 * block art captioned with its index and the network's confidence in its (wrong) guess.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderCellMistakes } from "./test.ts";
 *
 * const test = { pixels: new Uint8Array(3 * 784), labels: new Uint8Array([4, 4, 1]), count: 3 };
 * const evaluation = {
 *   predictions: new Uint8Array([9, 4, 1]),
 *   confidences: new Float32Array([0.87, 0.99, 0.99]),
 *   total: 3,
 * };
 * const lines = renderCellMistakes(evaluation, test, { actual: 4, predicted: 9 }, 0, {
 *   width: 80,
 *   height: 20,
 *   color: "none",
 * });
 * assert.match(lines[0], /^4 taken for 9: 1 digit/);
 * assert.match(lines.join("\n"), /#0 · 87% sure it is a 9/);
 * ```
 */
export function renderCellMistakes(
  evaluation: Pick<Evaluation, "predictions" | "confidences" | "total">,
  test: Dataset,
  cell: ConfusionCell,
  page: number,
  options: { width: number; height: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const digits = cellMistakes(evaluation, test.labels, cell);
  const perPage = mistakesPerPage(options.width, options.height);
  const pages = Math.max(1, Math.ceil(digits.length / perPage));
  const at = Math.min(page, pages - 1);
  const shown = digits.slice(at * perPage, (at + 1) * perPage);
  const lines = [
    c.bold(`${cell.actual} taken for ${cell.predicted}: ${plural(digits.length, "digit")}`) +
    c.dim(
      (pages > 1 ? ` · page ${at + 1} of ${pages}` : "") +
        " · each with how sure the network was of its wrong answer",
    ),
    "",
  ];
  if (shown.length === 0) return [...lines, c.green("None: the network never made this mistake.")];
  const blocks = shown.map((i) =>
    renderBlockArt(test.pixels.subarray(i * 784, (i + 1) * 784), {
      width: 28,
      color: options.color,
    })
  );
  const captions = shown.map((i) =>
    `#${i} · ${Math.round(evaluation.confidences[i] * 100)}% sure it is a ${cell.predicted}`
  );
  return [...lines, ...sideBySide(blocks, 2, options.width, captions)];
}

/** One progress line while the test set is evaluated. */
export function renderEvaluating(
  state: { done: number; total: number; elapsedMs: number; width: number; color: ColorLevel },
): string[] {
  return [
    `Evaluating on ${plural(state.total, "test digit")}…`,
    "",
    renderProgressLine({
      step: state.done,
      total: state.total,
      elapsedMs: state.elapsedMs,
      done: state.done >= state.total,
      metrics: {},
      width: state.width,
      color: state.color,
    }),
  ];
}

/** What the Test screen's work reports: how far the evaluation is, then the report. */
export type TestMessage =
  | { type: "progress"; done: number; total: number; elapsedMs: number }
  | { type: "report"; report: TestReport };

/** The Test screen's state: loading, evaluating, the report (scrolled), or why it failed. */
export interface TestState {
  phase: "loading" | "evaluating" | "done" | "failed";
  progress: { done: number; total: number; elapsedMs: number };
  report?: TestReport;
  /** The first line of the report shown (kept inside the report by `update`). */
  offset: number;
  error?: string;
  frame?: Frame;
  /** The chosen cell of the confusion matrix (arrows move it). */
  cell: ConfusionCell;
  /** Paging through the chosen cell's mistakes (Enter), on this page. */
  mistakes?: { page: number };
}

/** Digits evaluated between two progress messages (the loop takes keys in between). */
const CHUNK = 500;

/**
 * The work behind the Test screen: loads the data, evaluates the model on the test set in
 * chunks (reporting progress), then sends the report. Aborting ends it after the chunk.
 */
export function testWork(context: Pick<AppContext, "model" | "data">): Work<TestMessage> {
  return {
    id: "evaluate",
    async run(send, signal) {
      // Leaving while the data loads ends this at once; the load goes on for the next screen.
      const data = await unlessAborted(context.data(), signal);
      if (!data) return;
      const model = context.model();
      const started = performance.now();
      const total = data.test.count;
      send({ type: "progress", done: 0, total, elapsedMs: 0 });
      const evaluation = await evaluateInChunks(model.network, data.test, {
        chunk: CHUNK,
        signal,
        send: ({ done }) =>
          send({ type: "progress", done, total, elapsedMs: performance.now() - started }),
      });
      if (!evaluation) return;
      send({
        type: "report",
        report: {
          evaluation,
          test: data.test,
          random: model.random,
          sample: data.source === "sample",
          calibration: digitCalibration(
            model.network,
            evaluation.probabilities!,
            data.test.labels.subarray(0, evaluation.total),
          ),
        },
      });
    },
  };
}

/**
 * The Test screen: loads the data and evaluates the model on the test set, with a progress
 * bar; then the scrollable report (arrows, PgUp/PgDn, Home/End). Esc, Ctrl-C or q leave at
 * any time, stopping the evaluation. A failure (a damaged data file) is shown in place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/mod.ts";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { testScreen } from "./test.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, { seed: 1 });
 * const screen = testScreen({
 *   model: () => ({ network, random: true }),
 *   data: () => Promise.reject(new Error("not used: simulate does not run work")),
 * });
 * const run = simulate(screen, [
 *   { type: "work", message: { type: "progress", done: 500, total: 2000, elapsedMs: 10 } },
 * ]);
 * assert.match(run.view.body.join("\n"), /Evaluating on 2,000 test digits…[^]*500\/2000/);
 * assert.ok(simulate(screen, ["q"]).exit, "q leaves even while evaluating");
 * ```
 */
export function testScreen(
  context: Pick<AppContext, "model" | "data">,
): ScreenProgram<TestState, TestMessage, void> {
  return {
    title: "Test",
    init: () => ({
      state: {
        phase: "loading",
        progress: { done: 0, total: 0, elapsedMs: 0 },
        offset: 0,
        cell: { actual: 0, predicted: 1 },
      },
      work: [testWork(context)],
    }),
    update(state, message): Step<TestState, TestMessage, void> {
      switch (message.type) {
        case "back":
          // From the mistakes back to the report; else the loop aborts the evaluation and
          // waits for its chunk to end.
          if (state.mistakes) return { state: { ...state, mistakes: undefined } };
          return { state, exit: { value: undefined } };
        case "resize":
          return { state: clampOffset({ ...state, frame: message.frame }) };
        case "work-failed":
          return { state: { ...state, phase: "failed", error: errorLine(message.error) } };
        case "work": {
          const work = message.message;
          if (work.type === "progress") {
            const { done, total, elapsedMs } = work;
            return {
              state: { ...state, phase: "evaluating", progress: { done, total, elapsedMs } },
            };
          }
          // The cell chosen first: the most confused pair.
          const [worst] = mostConfusedPairs(work.report.evaluation.confusion, 1);
          const cell = worst ? { actual: worst.actual, predicted: worst.predicted } : state.cell;
          return { state: clampOffset({ ...state, phase: "done", report: work.report, cell }) };
        }
        case "input": {
          if (state.phase !== "done" || !state.frame) return { state };
          const event = message.event;
          if (state.mistakes) return { state: mistakesKey(state, event) };
          const move: Record<string, [number, number]> = {
            up: [-1, 0],
            down: [1, 0],
            left: [0, -1],
            right: [0, 1],
          };
          if (event.type === "key" && event.key in move) {
            const [dr, dc] = move[event.key];
            const cell = {
              actual: (state.cell.actual + dr + 10) % 10,
              predicted: (state.cell.predicted + dc + 10) % 10,
            };
            // back to the top, where the table is
            return { state: { ...state, cell, offset: 0 } };
          }
          if (event.type === "key" && event.key === "enter") {
            const { actual, predicted } = state.cell;
            const n = state.report!.evaluation.confusion[actual][predicted];
            return actual !== predicted && n > 0
              ? { state: { ...state, mistakes: { page: 0 } } }
              : { state };
          }
          const next = scrollByKey(event, state.offset, state.frame.rows - 1);
          return next === undefined
            ? { state }
            : { state: clampOffset({ ...state, offset: next }) };
        }
      }
      return { state };
    },
    view(state, frame) {
      const c = paint(frame.color);
      switch (state.phase) {
        case "loading":
          return { body: ["Loading the data…"], footer: "Esc back" };
        case "evaluating":
          return {
            body: renderEvaluating({ ...state.progress, width: frame.columns, color: frame.color }),
            footer: "Esc or q cancel",
          };
        case "failed":
          return {
            body: wrapText(`Cannot test: ${state.error}`, frame.columns).map((line) => c.red(line)),
            footer: "Esc back",
          };
        case "done": {
          if (state.mistakes) {
            return {
              body: renderCellMistakes(
                state.report!.evaluation,
                state.report!.test,
                state.cell,
                state.mistakes.page,
                { width: frame.columns, height: frame.rows, color: frame.color },
              ),
              footer: "←/→ or PgUp/PgDn page · Esc back to the report",
            };
          }
          const lines = reportLines(state.report!, state.cell, frame);
          const view = scrollWindow(lines, state.offset, frame.rows);
          const where = scrollPosition(lines.length, view.offset, frame.rows);
          const long = `Esc back · arrows choose a cell · Enter its mistakes${
            where ? ` · j/k PgUp/PgDn scroll · ${where}` : ""
          }`;
          const short = `Esc back · arrows cell · Enter mistakes${
            where ? ` · j/k PgUp/PgDn · ${where}` : ""
          }`;
          return { body: view.lines, footer: visibleWidth(long) <= frame.columns ? long : short };
        }
      }
    },
  };
}

/** Pages through the chosen cell's mistakes: ←/→, PgUp/PgDn, Home/End. */
function mistakesKey(state: TestState, event: InputEvent): TestState {
  if (event.type !== "key" || !state.mistakes || !state.report || !state.frame) return state;
  const { evaluation, test } = state.report;
  const n = cellMistakes(evaluation, test.labels, state.cell).length;
  const pages = Math.max(1, Math.ceil(n / mistakesPerPage(state.frame.columns, state.frame.rows)));
  const steps: Record<string, number> = {
    right: 1,
    pagedown: 1,
    " ": 1,
    left: -1,
    pageup: -1,
    home: -pages,
    end: pages,
  };
  const step = steps[event.key];
  if (step === undefined) return state;
  const page = Math.max(0, Math.min(pages - 1, state.mistakes.page + step));
  return { ...state, mistakes: { page } };
}

/** The report drawn for `frame`: as wide as the body, more mistakes when the terminal is tall. */
function reportLines(report: TestReport, selected: ConfusionCell, frame: Frame): string[] {
  const { columns, color, terminal } = frame;
  const galleryRows = Math.max(2, Math.floor((terminal.rows - 4) / 16));
  return renderTestReport(report, { width: columns, color, galleryRows, selected });
}

/**
 * Keeps the window full (so Up after End moves at once). Knowing where the report ends takes
 * drawing it: the lines are counted here and drawn again by the view, never kept in the state.
 */
function clampOffset(state: TestState): TestState {
  if (!state.report || !state.frame) return state;
  const total = reportLines(state.report, state.cell, state.frame).length;
  const offset = Math.min(Math.max(0, state.offset), Math.max(0, total - state.frame.rows));
  return offset === state.offset ? state : { ...state, offset };
}

/** The Test screen: accuracy, confusion matrix, per-digit metrics and mistakes on the test set. */
import type { Dataset } from "../../../data/dataset.ts";
import type { Evaluation } from "../../../train/evaluate.ts";
import { mostConfusedPairs, perDigitMetrics } from "../../../train/metrics.ts";
import { type ColorLevel, paint } from "../../../text/color.ts";
import { renderBlockArt, sideBySide } from "../../../text/block_art.ts";
import { renderHeatTable } from "../../../text/heat_table.ts";
import { joinColumns, visibleWidth } from "../../../text/layout.ts";
import { renderProgressLine } from "../../../text/progress_bar.ts";
import { evaluateInChunks } from "../chunked_evaluation.ts";
import type { AppContext } from "../context.ts";
import {
  bodyRows,
  errorLine,
  isBackKey,
  renderPage,
  scrollByKey,
  scrollPosition,
  scrollWindow,
} from "../page.ts";

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const count = (n: number) => n.toLocaleString("en-US");

/** What the test report is made from. */
export interface TestReport {
  evaluation: Evaluation;
  /** The evaluated test set (for drawing the misclassified digits). */
  test: Dataset;
  /** The network is untrained. */
  random: boolean;
  /** The data is the offline sample, not the full MNIST. */
  sample: boolean;
}

/**
 * The report as lines for a terminal `width` wide: accuracy with warnings (random network,
 * sample data), the colored confusion heat table, per-digit precision/recall/F1 (beside the
 * table when there is room), the most confused pairs, and misclassified digits as block art
 * captioned "true → predicted", up to `galleryRows` rows of them.
 *
 * @example
 * ```ts
 * renderTestReport(report, { width: 80, color: "none" });
 * ```
 */
export function renderTestReport(
  report: TestReport,
  options: { width: number; color: ColorLevel; galleryRows?: number },
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

  const heat = renderHeatTable(evaluation.confusion, { color: options.color, totals: true });
  const metrics = perDigitMetrics(evaluation.confusion);
  const metricLines = [
    c.dim("digit  precision  recall      F1  support"),
    ...metrics.map((m) =>
      `  ${c.bold(String(m.digit))}    ${percent(m.precision).padStart(8)} ${
        percent(m.recall).padStart(8)
      } ${percent(m.f1).padStart(8)}  ${String(m.support).padStart(7)}`
    ),
  ];
  const pairs = mostConfusedPairs(evaluation.confusion, 5);
  const pairLines = [
    c.bold("Most confused"),
    ...(pairs.length === 0
      ? [c.dim("  none")]
      : pairs.map((pair) =>
        `  ${c.bold(String(pair.actual))} taken for ${c.bold(String(pair.predicted))}: ${
          String(pair.count).padStart(4)
        } time${pair.count === 1 ? "" : "s"}`
      )),
  ];
  const heatWidth = Math.max(...heat.map(visibleWidth));
  const metricsWidth = Math.max(...metricLines.map(visibleWidth));
  if (options.width >= heatWidth + 3 + metricsWidth) {
    lines.push(...joinColumns([heat, ["", ...metricLines, "", ...pairLines]], 3));
  } else {
    lines.push(...heat, "", ...metricLines, "", ...pairLines);
  }

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

/** One progress line while the test set is evaluated. */
export function renderEvaluating(
  state: { done: number; total: number; elapsedMs: number; width: number; color: ColorLevel },
): string[] {
  return [
    `Evaluating on ${count(state.total)} test digits…`,
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

/** Evaluates the model on the test set (Esc cancels), then shows the scrollable report. */
export async function runTestScreen(context: AppContext): Promise<void> {
  const { screen, color } = context;
  let body: (width: number) => string[] = () => ["Loading the data…"];
  let status: { text: string; error?: boolean } | undefined;
  let offset = 0;
  let finished = false;
  let cancelled = false;
  const draw = () => {
    if (cancelled) return; // the menu owns the screen again
    const size = screen.size();
    const header = context.header?.(size.columns) ?? [];
    const lines = body(size.columns);
    const height = bodyRows(size, header.length, status !== undefined);
    const view = scrollWindow(lines, offset, height);
    offset = view.offset;
    const where = scrollPosition(lines.length, offset, height);
    screen.draw(renderPage(
      {
        header,
        title: "Test",
        body: view.lines,
        status,
        footer: finished
          ? `Esc back${where ? ` · ↑/↓ PgUp/PgDn scroll · ${where}` : ""}`
          : "Esc cancel",
      },
      size,
      color,
    ));
  };

  const work = (async () => {
    const data = await context.data();
    const model = context.model();
    const started = performance.now();
    const total = data.test.count;
    body = (width) => renderEvaluating({ done: 0, total, elapsedMs: 0, width, color });
    draw();
    const evaluation = await evaluateInChunks(model.network, data.test, {
      chunk: 500,
      onProgress: (done) => {
        const elapsedMs = performance.now() - started;
        body = (width) => renderEvaluating({ done, total, elapsedMs, width, color });
        draw();
      },
      shouldStop: () => cancelled,
    });
    if (!evaluation) return;
    const report: TestReport = {
      evaluation,
      test: data.test,
      random: model.random,
      sample: data.source === "sample",
    };
    let cache: { width: number; lines: string[] } | undefined;
    body = (width) => {
      if (cache?.width !== width) {
        const galleryRows = Math.max(2, Math.floor((screen.size().rows - 4) / 16));
        cache = { width, lines: renderTestReport(report, { width, color, galleryRows }) };
      }
      return cache.lines;
    };
  })().then(
    () => {
      finished = true;
      draw();
    },
    (error) => {
      finished = true;
      body = () => [];
      status = { text: errorLine(error), error: true };
      draw();
    },
  );

  draw();
  const unsubscribe = screen.onResize(draw);
  try {
    for await (const event of screen.events()) {
      if (isBackKey(event) || (finished && event.type === "key" && event.key === "q")) {
        cancelled = true;
        break;
      }
      if (!finished) continue;
      const next = scrollByKey(event, offset, bodyRows(screen.size()) - 1);
      if (next !== undefined) {
        offset = next;
        draw();
      }
    }
  } finally {
    cancelled = true;
    unsubscribe();
    await work;
  }
}

// TEMPORARY: replaced by the screen-loop version of this screen.
import { pendingScreen } from "./pending.ts";
import type { ScreenProgram as PendingProgram } from "../screen_loop.ts";
export function testScreen(_context: AppContext): PendingProgram<null, never, unknown> {
  return pendingScreen("test");
}

/** `test`: accuracy, confusion matrix and per-digit metrics of a model on the test set. */
import { loadMnist } from "../../data/mod.ts";
import { evaluateOnThreads, mostConfusedPairs, perDigitMetrics } from "../../train/mod.ts";
import { renderHeatTable } from "../../text/heat_table.ts";
import { renderReliabilityDiagram } from "../../text/reliability_diagram.ts";
import { renderPerDigitTable } from "../../text/per_digit_table.ts";
import { paint } from "../../text/color.ts";
import { renderProgressLine } from "../../text/progress_bar.ts";
import type { CommandIo } from "../io.ts";
import { count, percent } from "../../text/format.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";
import type { CalibrationBin } from "../../train/calibration.ts";
import { digitCalibration } from "../../train/refusal.ts";

/** The flags of `test`. */
export interface TestFlags {
  model?: string;
  limit?: number;
  dataDir?: string;
  sample?: boolean;
  json?: boolean;
}

/** Runs `test`; returns the exit status. */
export async function testCommand(flags: TestFlags, io: CommandIo): Promise<number> {
  const loaded = await loadModelOrRandom(flags.model);
  const data = await loadMnist({ dataDir: flags.dataDir, sample: flags.sample });
  const total = Math.min(flags.limit ?? data.test.count, data.test.count);
  const live = io.isTerminal && !flags.json && io.color !== "none";
  const startMs = performance.now();
  const evaluation = await evaluateOnThreads(loaded.network, data.test, total, (done) => {
    if (!live) return;
    io.write(
      "\r" + renderProgressLine({
        step: done,
        total,
        elapsedMs: performance.now() - startMs,
        done: done === total,
        metrics: {},
        width: io.columns - 1,
        color: io.color,
      }),
    );
  });
  if (live) io.write("\n");
  const perDigit = perDigitMetrics(evaluation.confusion);
  // How far "90% sure" is from right 9 times in 10, with the model's temperature and without.
  const calibration = digitCalibration(
    loaded.network,
    evaluation.probabilities!,
    data.test.labels.subarray(0, evaluation.total),
  );
  const bin = ({ from, to, confidence, accuracy, count }: CalibrationBin) => ({
    from,
    to,
    confidence,
    accuracy,
    count,
  });
  if (flags.json) {
    io.write(
      JSON.stringify({
        model: loaded.path ?? null,
        random: loaded.random,
        dataSource: data.source,
        accuracy: evaluation.accuracy,
        correct: evaluation.correct,
        total: evaluation.total,
        confusion: evaluation.confusion,
        perDigit,
        calibration: {
          temperature: calibration.temperature,
          ece: calibration.ece,
          ece_before: calibration.eceBefore,
          bins: calibration.bins.map(bin),
          bins_before: calibration.binsBefore.map(bin),
        },
      }) + "\n",
    );
    return 0;
  }
  const c = paint(io.color);
  const lines: string[] = [];
  if (loaded.random) {
    lines.push(
      c.yellow(
        `${loaded.randomReason}: testing a randomly initialized network. Expect about 10%, ` +
          `chance level: training is what makes it work (deno task start train).`,
      ),
    );
  }
  lines.push(`Model: ${describeModel(loaded)}`);
  lines.push(`Data: ${data.description}`);
  lines.push(
    c.bold(
      `Accuracy: ${percent(evaluation.accuracy)} (${count(evaluation.correct)} of ${
        count(evaluation.total)
      } test digits)`,
    ),
  );
  lines.push(
    `Calibration: expected calibration error ${percent(calibration.ece, 2)}` +
      (calibration.temperature === 1
        ? " (no temperature fitted); when it says 90% it should be right 9 times in 10:"
        : ` with temperature ${calibration.temperature.toFixed(3)} (${
          percent(calibration.eceBefore, 2)
        } before); when it says 90% it should be right 9 times in 10:`),
  );
  lines.push(
    ...renderReliabilityDiagram(calibration.bins, {
      width: Math.min(io.columns, 80),
      color: io.color,
    }),
  );
  lines.push("");
  lines.push(...renderHeatTable(evaluation.confusion, { color: io.color, totals: true }));
  lines.push("");
  lines.push(...renderPerDigitTable(perDigit, io.color));
  const pairs = mostConfusedPairs(evaluation.confusion, 5);
  if (pairs.length > 0) {
    lines.push("");
    lines.push(
      "Most confused: " +
        pairs.map((p) => `${p.actual} taken for ${p.predicted} (${p.count})`).join(", "),
    );
  }
  io.write(lines.join("\n") + "\n");
  return 0;
}

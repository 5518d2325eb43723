/** `test`: accuracy, confusion matrix and per-digit metrics of a model on the test set. */
import { loadMnist } from "../../data/mod.ts";
import { evaluateOnThreads, mostConfusedPairs, perDigitMetrics } from "../../train/mod.ts";
import { renderHeatTable } from "../../text/heat_table.ts";
import { renderPerDigitTable } from "../../text/per_digit_table.ts";
import { paint } from "../../text/color.ts";
import { renderProgressLine } from "../../text/progress_bar.ts";
import type { CommandIo } from "../io.ts";
import { count, percent } from "../../text/format.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";

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

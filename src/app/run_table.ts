/**
 * Training runs as table rows, for the `runs` command and the Runs screen alike: what each run
 * trained, how, and how well (see src/train/run_record.ts for what a run file holds).
 *
 * @module
 */
import type { RunRecord } from "../train/run_record.ts";
import { percent } from "../text/format.ts";

/** The columns of a run's row. */
export const RUN_COLUMNS = ["model", "network", "optimizer", "rate", "epochs", "best", "time"];

/** The best test accuracy of a run (null before its first epoch) and its seconds of training. */
export function runSummary(run: RunRecord): { bestAccuracy: number | null; seconds: number } {
  const best = run.epochs.reduce<number | null>(
    (most, e) => (most === null || e.testAccuracy > most ? e.testAccuracy : most),
    null,
  );
  return { bestAccuracy: best, seconds: run.epochs.reduce((sum, e) => sum + e.seconds, 0) };
}

/**
 * What a run trained, in a few words: its layer spec, else its dense widths.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runNetwork } from "./run_table.ts";
 *
 * const run = { values: { layers: "", hidden: [32] } };
 * assert.equal(runNetwork(run), "784-32-10");
 * assert.equal(runNetwork({ values: { layers: "cnn" } }), "cnn");
 * ```
 */
export function runNetwork(run: Pick<RunRecord, "values">): string {
  const layers = run.values.layers;
  if (typeof layers === "string" && layers !== "") return layers;
  const hidden = run.values.hidden;
  return Array.isArray(hidden) ? `784-${[...hidden, 10].join("-")}` : "?";
}

/** A run's cells, in RUN_COLUMNS order; the model as its file name when `short`. */
export function runCells(run: RunRecord, short = false): string[] {
  const { bestAccuracy, seconds } = runSummary(run);
  return [
    short ? run.model.split("/").at(-1)! : run.model,
    runNetwork(run),
    String(run.values.optimizer ?? "?"),
    String(run.values.lr ?? "?"),
    String(run.epochs.length),
    bestAccuracy === null ? "-" : percent(bestAccuracy),
    `${seconds.toFixed(1)} s`,
  ];
}

/**
 * Rows padded to their columns' widths (numbers right-aligned), the heading first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alignRows } from "./run_table.ts";
 *
 * assert.deepEqual(alignRows([["a", "10"], ["bbb", "2"]], [1]), ["a    10", "bbb   2"]);
 * ```
 */
export function alignRows(rows: string[][], rightAligned: number[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((cells) =>
    cells.map((cell, i) =>
      rightAligned.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])
    ).join("  ").trimEnd()
  );
}

/** The columns of RUN_COLUMNS that hold numbers. */
export const RUN_NUMBER_COLUMNS = [3, 4, 5, 6];

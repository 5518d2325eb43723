/**
 * `runs`: the training runs recorded in a folder (each model file's `.run.json`, written by
 * every training session, menu or command), as a table to compare them, or as JSON lines.
 */
import type { CommandIo } from "../io.ts";
import { listRuns, type RunRecord } from "../../train/run_record.ts";
import { percent } from "../../text/format.ts";
import { UserError } from "../../errors.ts";

/** The flags of `runs`. */
export interface RunsFlags {
  dir?: string;
  json?: boolean;
}

/** The folder `runs` looks in unless told. */
export const DEFAULT_RUNS_DIR = "models";

/** A run's figures for the table and the JSON: best test accuracy and seconds of training. */
export function runSummary(run: RunRecord): { bestAccuracy: number | null; seconds: number } {
  const best = run.epochs.reduce<number | null>(
    (most, e) => (most === null || e.testAccuracy > most ? e.testAccuracy : most),
    null,
  );
  return { bestAccuracy: best, seconds: run.epochs.reduce((sum, e) => sum + e.seconds, 0) };
}

/** What a run trained, in a few words: its layer spec, else its hidden widths. */
export function runNetwork(run: RunRecord): string {
  const layers = run.values.layers;
  if (typeof layers === "string" && layers !== "") return layers;
  const hidden = run.values.hidden;
  return Array.isArray(hidden) ? `784-${[...hidden, 10].join("-")}` : "?";
}

/** Runs `runs`; returns the exit status (1 when the folder cannot be read). */
export async function runsCommand(flags: RunsFlags, io: CommandIo): Promise<number> {
  const dir = flags.dir ?? DEFAULT_RUNS_DIR;
  let runs: RunRecord[];
  try {
    runs = await listRuns(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      throw new UserError(`${dir}: no such folder`);
    }
    throw error;
  }
  if (flags.json) {
    for (const run of runs) io.write(JSON.stringify({ ...run, ...runSummary(run) }) + "\n");
    return 0;
  }
  if (runs.length === 0) {
    io.write(`No training runs recorded in ${dir} (train saves one beside each model file).\n`);
    return 0;
  }
  const rows = runs.map((run) => {
    const { bestAccuracy, seconds } = runSummary(run);
    return [
      run.model,
      runNetwork(run),
      String(run.values.optimizer ?? "?"),
      String(run.values.lr ?? "?"),
      String(run.epochs.length),
      bestAccuracy === null ? "-" : percent(bestAccuracy),
      `${seconds.toFixed(1)} s`,
      run.status,
    ];
  });
  const header = ["model", "network", "optimizer", "rate", "epochs", "best", "time", "status"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i >= 3 && i <= 6 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ").trimEnd();
  io.write([line(header), ...rows.map(line)].join("\n") + "\n");
  return 0;
}

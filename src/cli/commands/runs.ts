/**
 * `runs`: the training runs recorded in a folder (each model file's `.run.json`, written by
 * every training session, menu or command), as a table to compare them, or as JSON lines.
 */
import type { CommandIo } from "../io.ts";
import { listRuns, type RunRecord } from "../../train/run_record.ts";
import {
  alignRows,
  RUN_COLUMNS,
  RUN_NUMBER_COLUMNS,
  runCells,
  runSummary,
} from "../../app/run_table.ts";
import { UserError } from "../../errors.ts";

/** The flags of `runs`. */
export interface RunsFlags {
  dir?: string;
  json?: boolean;
}

/** The folder `runs` looks in unless told. */
export const DEFAULT_RUNS_DIR = "models";

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
  const rows = runs.map((run) => [...runCells(run), run.status]);
  const lines = alignRows([[...RUN_COLUMNS, "status"], ...rows], RUN_NUMBER_COLUMNS);
  io.write(lines.join("\n") + "\n");
  return 0;
}

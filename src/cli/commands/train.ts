/** `train`: train a network on MNIST, resuming from the model file unless `--fresh`. */
import { loadMnist } from "../../data/mod.ts";
import type { MnistData } from "../../data/dataset.ts";
import { UserError } from "../../errors.ts";
import { acquireModelLock } from "../../model/mod.ts";
import {
  describeSession,
  prepareTrainingSession,
  runTrainingSession,
  type TrainingSession,
  type TrainRequest,
} from "../../train/session.ts";
import type { CommandIo } from "../io.ts";
import type { TrainValues } from "../../train/options.ts";
import { flagsOf } from "../../train/train_values.ts";
import { percent, plural } from "../../text/format.ts";
import {
  jsonTrainRenderer,
  liveTrainRenderer,
  plainTrainRenderer,
  type TrainRenderer,
} from "../train_output.ts";

/** The flags of `train` as parsed; undefined means "not given" (see TrainRequest). */
export interface TrainFlags extends Omit<TrainRequest, "modelPath" | "command" | "remedy"> {
  model: string;
  dataDir?: string;
  sample?: boolean;
  json?: boolean;
  /** The `--config` file and the values it set, noted with the command line in the model. */
  config?: { path: string; values: Partial<TrainValues> };
}

/** Exit status when training was interrupted (as shells report SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Runs `train`; returns the exit status. */
export async function trainCommand(flags: TrainFlags, io: CommandIo): Promise<number> {
  const data = await loadMnist({ dataDir: flags.dataDir, sample: flags.sample });
  const lock = await acquireModelLock(flags.model);
  const stop = listenForStop();
  try {
    const session = await prepareTrainingSession(trainRequest(flags), data);
    for (const note of session.notes) say(io, flags, note);
    return await runSession(session, flags, data, io, stop.requested);
  } finally {
    stop.dispose();
    await lock.release();
  }
}

/**
 * The session request of parsed `train` flags: the training values given, the model path, the
 * command line (kept in the model) and how to get past a refusal, in flag words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainRequest } from "./train.ts";
 * assert.equal(trainRequest({ model: "m", lr: 0.01, json: true }).lr, 0.01);
 * ```
 */
export function trainRequest(flags: TrainFlags): TrainRequest {
  const { model, dataDir: _dataDir, sample: _sample, json: _json, config, ...values } = flags;
  return {
    ...values,
    modelPath: model,
    command: commandLine() +
      (config ? ` (${config.path}: ${flagsOf(config.values).join(" ")})` : ""),
    remedy: "(add --fresh to start a new model there, or choose another --model)",
  };
}

async function runSession(
  session: TrainingSession,
  flags: TrainFlags,
  data: MnistData,
  io: CommandIo,
  stopRequested: () => boolean,
): Promise<number> {
  const render: TrainRenderer = flags.json
    ? jsonTrainRenderer(io)
    : io.isTerminal && io.color !== "none"
    ? liveTrainRenderer(io)
    : plainTrainRenderer(io);
  const outcome = await runTrainingSession(session, data, {
    onStart: ({ augmentedOn }) => say(io, flags, describeSession(session, data, augmentedOn)),
    onEvent: render,
    shouldStop: stopRequested,
  });
  if (outcome.status === "diverged") throw new UserError(outcome.message);
  if (outcome.status === "stopped") {
    const where = `epoch ${outcome.position.epochsDone + 1}, batch ${outcome.position.stepInEpoch}`;
    if (flags.json) {
      io.write(
        JSON.stringify({ event: "stopped", model: flags.model, ...outcome.position }) + "\n",
      );
    } else {
      io.write(`\nStopped at ${where}; saved to ${flags.model}. Run train again to resume.\n`);
    }
    return EXIT_INTERRUPTED;
  }
  if (flags.json) {
    io.write(
      JSON.stringify({
        event: "done",
        model: flags.model,
        testAccuracy: outcome.testAccuracy,
        ...(outcome.restoredBest && { keptBest: outcome.restoredBest }),
      }) + "\n",
    );
  } else {
    if (outcome.restoredBest) {
      const { epoch, step, testAccuracy } = outcome.restoredBest;
      io.write(
        `Kept the best weights: epoch ${epoch}, batch ${step}, test accuracy ${
          percent(testAccuracy)
        }\n`,
      );
    }
    io.write(
      `Saved ${flags.model}: ${plural(outcome.position.epochsDone, "epoch")}, test accuracy ${
        percent(outcome.testAccuracy ?? 0)
      }\n`,
    );
  }
  return 0;
}

/** Prints a note unless the output is JSON (then stdout stays machine-readable). */
function say(io: CommandIo, flags: TrainFlags, line: string): void {
  if (!flags.json) io.write(line + "\n");
}

/** The command line as typed, for the model's metadata (so a model says how it was made). */
function commandLine(): string {
  return ["deno task start", ...Deno.args].join(" ");
}

/** Sets a flag on SIGINT/SIGTERM so training stops after the current batch. */
function listenForStop(): { requested: () => boolean; dispose: () => void } {
  let requested = false;
  const handler = () => {
    requested = true;
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, handler);
  return {
    requested: () => requested,
    dispose: () => {
      for (const signal of signals) Deno.removeSignalListener(signal, handler);
    },
  };
}

/**
 * The record of a training run, kept beside its model file (`m.safetensors` -> `m.run.json`), so
 * runs can be compared afterwards (Nielsen teaches by comparing runs: sigmoid against ReLU, a
 * learning rate of 0.1 against 0.001). It holds the effective training values (the one option
 * spec's), every epoch's figures and the smoothed training loss, one point every
 * `LOSS_POINT_EVERY` batches at its place in epochs. A resumed run continues its record: what the
 * model file had kept is kept, what comes after the resumed position is replaced.
 *
 * Engine side: no printing; the session feeds it training events and saves it after each epoch.
 *
 * @module
 */
import { writeFileAtomic } from "../fs/atomic_write.ts";
import type { TrainEvent, TrainingPosition } from "./trainer.ts";

/** A point of the smoothed training loss. */
export interface LossPoint {
  /** Where in training, in epochs: 1.5 is halfway through the second epoch. */
  epoch: number;
  /** The exponential moving average of the batch losses there. */
  loss: number;
}

/** One finished epoch of a run. */
export interface RunEpoch {
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  testLoss: number;
  /** Seconds of training (evaluation excluded). */
  seconds: number;
}

/** What a run file holds. */
export interface RunRecord {
  /** The model file the run trains. */
  model: string;
  /** The effective training values of the last session (see TRAIN_OPTIONS). */
  values: Record<string, unknown>;
  /** Every finished epoch, in order. */
  epochs: RunEpoch[];
  /** The smoothed training loss, in order of `epoch`. */
  lossPoints: LossPoint[];
  /** The commands that trained it, oldest first. */
  commands: string[];
  /** How the last session ended: "running" while it trains. */
  status: "running" | "completed" | "stopped" | "diverged";
  startedAt: string;
  updatedAt: string;
}

/** A loss point every this many batches (the Train screen's chart uses the same). */
export const LOSS_POINT_EVERY = 25;
/** Weight of the newest batch in the moving average: about the last 20 batches count. */
const SMOOTHING = 0.05;

/** The state of the loss smoothing between two batches. */
export interface LossSmoothing {
  /** The epoch of the last batch, and how many of its batches this process saw. */
  epoch: number;
  batches: number;
  /** The running sum of their losses (the event's running mean times `batches`). */
  lossSum: number;
  /** The moving average so far. */
  average: number;
}

/**
 * One more batch into the smoothed loss: a batch event carries the epoch's running mean, so
 * the batch's own loss is the change in the running sum; a moving average of those follows
 * training without the running mean's lag. Returns the new state and, every LOSS_POINT_EVERY
 * batches and at an epoch's last batch, a point of the curve. Pure: the Train screen's reducer
 * and the run record use it alike.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { smoothBatchLoss } from "./run_record.ts";
 *
 * const batch = (step: number, loss: number) => ({
 *   type: "batch" as const, epoch: 1, epochs: 1, step, steps: 50, loss, accuracy: 0.5,
 *   learningRate: 0.1, elapsedMs: step,
 * });
 * let { smoothing, point } = smoothBatchLoss(undefined, batch(1, 2));
 * assert.equal(smoothing.average, 2);
 * assert.deepEqual(point, { epoch: 0.02, loss: 2 }); // the first batch gives a point
 * for (let step = 2; step <= 25; step++) ({ smoothing, point } = smoothBatchLoss(smoothing, batch(step, 2)));
 * assert.deepEqual(point, { epoch: 0.5, loss: 2 });
 * ```
 */
export function smoothBatchLoss(
  before: LossSmoothing | undefined,
  event: Extract<TrainEvent, { type: "batch" }>,
): { smoothing: LossSmoothing; point?: LossPoint } {
  const sameEpoch = before !== undefined && before.epoch === event.epoch;
  const batches = sameEpoch ? before.batches + 1 : 1;
  const lossSum = event.loss * batches;
  const batchLoss = lossSum - (sameEpoch ? before.lossSum : 0);
  const average = before === undefined || !Number.isFinite(before.average)
    ? batchLoss
    : before.average + SMOOTHING * (batchLoss - before.average);
  const smoothing = { epoch: event.epoch, batches, lossSum, average };
  // event.step counts the epoch's batches done (1 after the first); a point at the first
  // batch too, so a chart has something to show from the first second
  const due = event.step === 1 || event.step % LOSS_POINT_EVERY === 0 ||
    event.step === event.steps;
  if (!due) return { smoothing };
  const epoch = event.epoch - 1 + event.step / event.steps;
  return { smoothing, point: { epoch: round(epoch, 4), loss: round(average, 5) } };
}

/**
 * The run file of a model file: its name with `.run.json` for `.safetensors`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runRecordPath } from "./run_record.ts";
 *
 * assert.equal(runRecordPath("models/a.safetensors"), "models/a.run.json");
 * assert.equal(runRecordPath("b.bin"), "b.bin.run.json");
 * ```
 */
export function runRecordPath(modelPath: string): string {
  return modelPath.replace(/\.safetensors$/, "") + ".run.json";
}

/** Reads a run file; undefined when there is none or it is not a run record. */
export async function readRunRecord(path: string): Promise<RunRecord | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(text);
    return isRunRecord(record) ? record : undefined;
  } catch {
    return undefined;
  }
}

function isRunRecord(value: unknown): value is RunRecord {
  const record = value as RunRecord;
  return typeof record === "object" && record !== null && typeof record.model === "string" &&
    Array.isArray(record.epochs) && Array.isArray(record.lossPoints) &&
    typeof record.values === "object" && record.values !== null;
}

/**
 * Keeps a run's record up to date from training events; `save` writes it atomically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunRecorder } from "./run_record.ts";
 *
 * const recorder = new RunRecorder("m.safetensors", { lr: 0.1 }, "train --lr 0.1", undefined, {
 *   epochsDone: 0,
 *   stepInEpoch: 0,
 * });
 * recorder.onEvent({ type: "epoch-start", epoch: 1, epochs: 1, steps: 50, firstStep: 0 });
 * for (let step = 1; step <= 50; step++) {
 *   recorder.onEvent({
 *     type: "batch", epoch: 1, epochs: 1, step, steps: 50, loss: 1, accuracy: 0.5,
 *     learningRate: 0.1, elapsedMs: step,
 *   });
 * }
 * assert.deepEqual(recorder.record.lossPoints.map((p) => p.epoch), [0.02, 0.5, 1]);
 * ```
 */
export class RunRecorder {
  readonly record: RunRecord;
  private smoothing: LossSmoothing | undefined;

  /**
   * @param modelPath the model file trained
   * @param values the session's effective training values
   * @param command how this session was started
   * @param previous the record so far when resuming (undefined: a new run)
   * @param position where training starts: later epochs and points of `previous` are dropped
   */
  constructor(
    modelPath: string,
    values: Record<string, unknown>,
    command: string | undefined,
    previous: RunRecord | undefined,
    position: TrainingPosition,
  ) {
    const now = new Date().toISOString();
    this.record = {
      model: modelPath,
      values,
      ...continuedCurves(previous, position),
      commands: [...(previous?.commands ?? []), ...(command ? [command] : [])],
      status: "running",
      startedAt: previous?.startedAt ?? now,
      updatedAt: now,
    };
    const last = this.record.lossPoints.at(-1);
    if (last) this.smoothing = { epoch: NaN, batches: 0, lossSum: 0, average: last.loss };
  }

  /** Takes one training event. */
  onEvent(event: TrainEvent): void {
    if (event.type === "epoch-start") return;
    if (event.type === "batch") {
      const { smoothing, point } = smoothBatchLoss(this.smoothing, event);
      this.smoothing = smoothing;
      if (point) this.record.lossPoints.push(point);
      return;
    }
    this.record.epochs.push({
      epoch: event.epoch,
      loss: round(event.loss, 5),
      trainAccuracy: round(event.trainAccuracy, 5),
      testAccuracy: round(event.testAccuracy, 5),
      testLoss: round(event.testLoss, 5),
      seconds: round(event.seconds, 3),
    });
  }

  /** Marks how the session ended. */
  end(status: RunRecord["status"]): void {
    this.record.status = status;
  }

  /** Writes the record beside the model file, atomically. */
  async save(): Promise<void> {
    this.record.updatedAt = new Date().toISOString();
    const bytes = new TextEncoder().encode(JSON.stringify(this.record) + "\n");
    await writeFileAtomic(runRecordPath(this.record.model), bytes);
  }
}

/**
 * What a resumed run keeps of its record: the epochs and loss points up to where training
 * starts again (points of a half-done epoch stay, as training continues inside it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { continuedCurves } from "./run_record.ts";
 *
 * const run = {
 *   epochs: [1, 2, 3].map((epoch) => ({
 *     epoch, loss: 1, trainAccuracy: 0.9, testAccuracy: 0.9, testLoss: 1, seconds: 1,
 *   })),
 *   lossPoints: [0.5, 1, 1.5, 2, 2.5, 3].map((epoch) => ({ epoch, loss: 1 })),
 * };
 * const kept = continuedCurves(run, { epochsDone: 2, stepInEpoch: 0 });
 * assert.deepEqual(kept.epochs.map((e) => e.epoch), [1, 2]);
 * assert.deepEqual(kept.lossPoints.map((p) => p.epoch), [0.5, 1, 1.5, 2]);
 * ```
 */
export function continuedCurves(
  previous: Pick<RunRecord, "epochs" | "lossPoints"> | undefined,
  position: TrainingPosition,
): Pick<RunRecord, "epochs" | "lossPoints"> {
  const start = position.epochsDone;
  // a run stopped inside an epoch recorded that epoch's points only up to where it stopped
  const pointsUpTo = position.stepInEpoch > 0 ? start + 1 : start;
  return {
    epochs: (previous?.epochs ?? []).filter((e) => e.epoch <= start),
    lossPoints: (previous?.lossPoints ?? []).filter((p) => p.epoch <= pointsUpTo),
  };
}

/**
 * Every run recorded in `dir` (its `*.run.json` files), oldest first; unreadable files are
 * skipped.
 */
export async function listRuns(dir: string): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".run.json")) continue;
    const record = await readRunRecord(`${dir}/${entry.name}`);
    if (record) runs.push(record);
  }
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

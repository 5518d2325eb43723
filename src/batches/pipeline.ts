/**
 * Augmented training batches for the training loop, prepared a few batches ahead by a
 * Worker on the other core, or on the main thread when Workers are unavailable. Both make the
 * same batches (`AugmentedBatchMaker`), so which one ran never changes a training run.
 */
import { type Dataset, IMAGE_PIXELS } from "../data/dataset.ts";
import type { BatchSource } from "./source.ts";
import { type AugmentOptions, DEFAULT_AUGMENT } from "../augment/augment.ts";
import { AugmentedBatchMaker, type BatchPlan, type NegativePool } from "./augmented_batches.ts";
import type { WorkerReply, WorkerRequest } from "./worker.ts";

/** What the pipeline needs of a training plan: the batches, and where the plan ends. */
export interface PipelinePlan extends BatchPlan {
  startEpoch: number;
  epochs: number;
}

/** Options for `openAugmentPipeline`. */
export interface PipelineOptions {
  /** Use a Worker when the runtime has one (default true); false computes on the main thread. */
  worker?: boolean;
  augment?: Readonly<AugmentOptions>;
  /** The worker module; tests point it elsewhere to see a worker that cannot start. */
  workerUrl?: string;
  /** Not-a-digit images the batches draw from when the plan has a `negativeRatio`. */
  negatives?: NegativePool;
}

/** A batch source for `trainNetwork` that must be closed when training ends. */
export interface AugmentPipeline extends BatchSource {
  /** Where batches are computed now ("worker" may turn "main" if the worker fails to start). */
  readonly thread: "worker" | "main";
  /** Stops the worker, if any; pending and later `fill` calls fail. Safe to call twice. */
  close(): void;
}

/**
 * Batches the worker keeps ready: batch k+1.. are made while batch k trains. More than two
 * keep it busy through the main thread's pauses and scheduling delays on a loaded machine
 * (measured: 20% less waiting for batches than with two).
 */
const SLOTS = 4;

/**
 * Opens the augmentation pipeline for `plan` on `train`: with a Worker when possible (the
 * digits are copied once into shared memory), else on the main thread. Close it in a `finally`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "../data/mod.ts";
 * import { defaultOptimizerSettings, Network } from "../network/mod.ts";
 * import { trainNetwork, type TrainingPlan } from "../train/trainer.ts";
 * import { openAugmentPipeline } from "./pipeline.ts";
 *
 * const data = await loadMnist({ sample: true }); // the full MNIST works the same
 * const network = new Network({ layerSizes: [784, 32, 10], activation: "relu" }, { maxBatch: 50 });
 * const plan: TrainingPlan = {
 *   startEpoch: 0,
 *   epochs: 1,
 *   batchSize: 50,
 *   optimizer: defaultOptimizerSettings("adam"),
 *   schedule: "constant",
 *   warmupEpochs: 0,
 *   seed: 1,
 *   limit: 200, // one quick epoch of 200 digits
 *   augment: true,
 * };
 * const batches = openAugmentPipeline(data.train, plan);
 * try {
 *   const start = { epochsDone: 0, stepInEpoch: 0 };
 *   const outcome = await trainNetwork(network, data.train, data.test, plan, start, { batches });
 *   assert.equal(outcome.status, "completed");
 * } finally {
 *   batches.close();
 * }
 * ```
 */
export function openAugmentPipeline(
  train: Dataset,
  plan: PipelinePlan,
  options: PipelineOptions = {},
): AugmentPipeline {
  const augment = options.augment ?? DEFAULT_AUGMENT;
  if (options.worker !== false && workersAvailable()) {
    try {
      const workerUrl = options.workerUrl ?? new URL("./worker.ts", import.meta.url).href;
      return new WorkerPipeline(train, plan, augment, workerUrl, options.negatives);
    } catch {
      // e.g. a runtime that forbids workers: the main thread makes the same batches.
    }
  }
  return new MainThreadPipeline(new AugmentedBatchMaker(train, plan, augment, options.negatives));
}

function workersAvailable(): boolean {
  return typeof Worker === "function" && typeof SharedArrayBuffer === "function";
}

class MainThreadPipeline implements AugmentPipeline {
  readonly thread = "main";
  private closed = false;

  constructor(private readonly maker: AugmentedBatchMaker) {}

  fill(epoch: number, step: number, count: number, input: Float32Array, labels: Uint8Array) {
    if (this.closed) throw new Error("the augmentation pipeline is closed");
    checkCount(this.maker, step, count);
    this.maker.fill(epoch, step, input, labels);
  }

  close(): void {
    this.closed = true;
  }
}

/** One slot's current request: which batch, and a promise settled when the worker wrote it. */
interface SlotRequest {
  epoch: number;
  step: number;
  id: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

class WorkerPipeline implements AugmentPipeline {
  private readonly worker: Worker;
  private readonly slotInputs: Float32Array[] = [];
  private readonly slotLabels: Uint8Array[] = [];
  private readonly requests: (SlotRequest | null)[] = new Array(SLOTS).fill(null);
  private readonly steps: number;
  private readonly lastEpoch: number;
  private nextId = 1;
  /** The batch most recently asked for; the next request continues after it. */
  private newest: { epoch: number; step: number } | null = null;
  /** Counts batches, and makes them here if the worker fails before its first batch. */
  private readonly local: AugmentedBatchMaker;
  private fallback = false;
  private anyReady = false;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    train: Dataset,
    plan: PipelinePlan,
    augment: Readonly<AugmentOptions>,
    workerUrl: string,
    negatives?: NegativePool,
  ) {
    this.local = new AugmentedBatchMaker(train, plan, augment, negatives);
    const limit = this.local.limit;
    this.steps = this.local.steps;
    this.lastEpoch = plan.startEpoch + plan.epochs;
    // Copied once: the worker reads the digits in place for the whole run.
    const pixels = new SharedArrayBuffer(limit * IMAGE_PIXELS);
    new Uint8Array(pixels).set(train.pixels.subarray(0, limit * IMAGE_PIXELS));
    const labels = new SharedArrayBuffer(limit);
    new Uint8Array(labels).set(train.labels.subarray(0, limit));
    // Copied once too: the not-a-digit images batches draw from (none: an empty buffer).
    const negativeCount = negatives?.count ?? 0;
    const negativePixels = new SharedArrayBuffer(Math.max(4, negativeCount * IMAGE_PIXELS * 4));
    if (negatives) {
      new Float32Array(negativePixels).set(
        negatives.pixels.subarray(0, negativeCount * IMAGE_PIXELS),
      );
    }
    // A slot holds a whole batch: its digits and its not-a-digit images.
    const batch = this.local.rowsAt(0);
    const slotInputs = new SharedArrayBuffer(SLOTS * batch * IMAGE_PIXELS * 4);
    const slotLabels = new SharedArrayBuffer(SLOTS * batch);
    for (let s = 0; s < SLOTS; s++) {
      this.slotInputs.push(
        new Float32Array(slotInputs, s * batch * IMAGE_PIXELS * 4, batch * IMAGE_PIXELS),
      );
      this.slotLabels.push(new Uint8Array(slotLabels, s * batch, batch));
    }
    this.worker = new Worker(workerUrl, { type: "module" });
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault(); // handled here; otherwise it would end the whole process
      this.fail(new Error(`augmentation worker failed: ${event.message}`));
    };
    this.worker.onmessageerror = () =>
      this.fail(new Error("augmentation worker sent an unreadable message"));
    const { seed, batchSize, negativeRatio } = plan;
    try {
      this.post({
        type: "init",
        pixels,
        labels,
        count: limit,
        negativePixels,
        negativeCount,
        plan: { seed, batchSize, limit, negativeRatio },
        options: { ...augment },
        slotInputs,
        slotLabels,
      });
    } catch (error) {
      this.worker.terminate(); // a worker that cannot be told what to do must not keep running
      throw error;
    }
  }

  get thread(): "worker" | "main" {
    return this.fallback ? "main" : "worker";
  }

  async fill(epoch: number, step: number, count: number, input: Float32Array, labels: Uint8Array) {
    if (this.closed) throw new Error("the augmentation pipeline is closed");
    if (this.failure) throw this.failure;
    checkCount(this.local, step, count);
    if (this.fallback) return void this.local.fill(epoch, step, input, labels);
    let slot = this.requests.findIndex((r) => r !== null && r.epoch === epoch && r.step === step);
    if (slot < 0) {
      // The first batch, or a jump: restart the read-ahead from here. Work still under way in
      // the worker finishes unseen (its replies carry an older request id).
      this.requests.fill(null);
      slot = 0;
      this.request(slot, epoch, step);
      for (let s = 1; s < SLOTS; s++) this.requestNext(s);
    }
    await this.requests[slot]!.done;
    if (this.fallback) return void this.local.fill(epoch, step, input, labels);
    const rows = this.local.rowsAt(step);
    input.set(this.slotInputs[slot].subarray(0, rows * IMAGE_PIXELS));
    labels.set(this.slotLabels[slot].subarray(0, rows));
    this.requests[slot] = null;
    this.requestNext(slot);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // The worker also closes itself: ending it does not hang on terminate() alone (once, in
    // dozens of runs, a terminated worker kept a process alive).
    this.post({ type: "close" });
    this.worker.terminate();
    const closed = new Error("the augmentation pipeline is closed");
    for (const request of this.requests) request?.reject(closed);
    this.requests.fill(null);
  }

  /** Asks for the batch after the newest one requested, unless the plan ends before it. */
  private requestNext(slot: number): void {
    if (this.newest === null) return;
    let { epoch, step } = this.newest;
    step++;
    if (step >= this.steps) {
      epoch++;
      step = 0;
    }
    if (epoch <= this.lastEpoch) this.request(slot, epoch, step);
  }

  private request(slot: number, epoch: number, step: number): void {
    const id = this.nextId++;
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting when it fails (read-ahead); `fill` still sees the rejection.
    done.catch(() => {});
    this.requests[slot] = { epoch, step, id, done, resolve, reject };
    this.newest = { epoch, step };
    this.post({ type: "prepare", slot, request: id, epoch, step });
  }

  private receive(reply: WorkerReply): void {
    if (reply.type === "error") {
      this.fail(new Error(`augmentation worker failed: ${reply.message}`));
      return;
    }
    const request = this.requests[reply.slot];
    if (request === null || request.id !== reply.request) return; // superseded
    this.anyReady = true;
    request.resolve();
  }

  private fail(error: Error): void {
    if (this.closed) return;
    if (!this.anyReady) {
      // The worker never started (e.g. its module could not load): compute here instead.
      this.fallback = true;
      this.worker.terminate();
      for (const request of this.requests) request?.resolve();
      return;
    }
    this.failure = error;
    this.worker.terminate();
    for (const request of this.requests) request?.reject(error);
  }

  private post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }
}

function checkCount(maker: AugmentedBatchMaker, step: number, count: number): void {
  if (count !== maker.countAt(step)) {
    throw new RangeError(`batch ${step} holds ${maker.countAt(step)} digits, not ${count}`);
  }
}

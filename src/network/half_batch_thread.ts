/**
 * The second training thread, main side: a Worker (half_batch_worker.ts) with its own kernel
 * instance on the network's shared WebAssembly memory, driven through a small control block
 * of `Int32Array`/`Float64Array` in a `SharedArrayBuffer` and synchronised with `Atomics`:
 *
 *     main                                   worker
 *     write the job, JOB = n, notify  --->   (waiting on JOB) second half forward+backward
 *     first half forward+backward
 *     FIRST = n, notify               --->   HALF = n, notify (its loss and hits written)
 *     wait HALF = n                   <---   wait FIRST = n, then its part of the update
 *     its part of the update
 *     wait DONE = n                   <---   DONE = n, notify
 *
 * Waiting spins up to 0.2 ms (how long adapts to how soon the answers come), then sleeps in
 * `Atomics.wait`. A worker that throws writes its error into the block; one that stops
 * answering for `STALL_MS` is given up on. Either way the waiting call throws one clear error.
 *
 * @module
 */
import { type HalfJob, JobKind } from "./half_batch.ts";
import type { SecondThread } from "./half_batch_engine.ts";
import type { Network } from "./network.ts";

/** Int32 slots of the control block. */
export const Slot = {
  job: 0,
  half: 1,
  first: 2,
  done: 3,
  failed: 4,
  kind: 5,
  rows: 6,
  firstRow: 7,
  batch: 8,
  optimizer: 9,
  correct: 10,
  pixels: 11,
} as const;

/** Float64 slots, after the int32 ones (byte offset `FLOAT_OFFSET`). */
export const Real = {
  learningRate: 0,
  beta1: 1,
  beta2: 2,
  epsilon: 3,
  weightDecay: 4,
  momentum: 5,
  correction1: 6,
  correction2: 7,
  lossSum: 8,
  seed: 9,
  dropoutStep: 10,
  baseRate: 11,
  negativeWeight: 12,
  split: 13,
} as const;

export const FLOAT_OFFSET = 64;
/** Where the worker writes its error message (UTF-8, length-prefixed by `MESSAGE_LENGTH`). */
export const MESSAGE_OFFSET = 256;
const MESSAGE_BYTES = 1024;
export const CONTROL_BYTES = MESSAGE_OFFSET + MESSAGE_BYTES;
/** Int32 slot holding the error message's length in bytes. */
export const MESSAGE_LENGTH = 15;

export const OPTIMIZER_CODES = { sgd: 1, momentum: 2, adam: 3 } as const;

/** How long a thread may stay silent in the middle of a batch before it counts as dead. */
const STALL_MS = 60_000;
/** The longest and shortest spin on a slot before sleeping on it, in ms. */
const MAX_SPIN_MS = 0.2;
const MIN_SPIN_MS = 0.02;
/**
 * How long to spin on each slot before sleeping on it (ms), adapted as it goes within
 * [MIN_SPIN_MS, MAX_SPIN_MS]: doubled when the value came while spinning, or soon after
 * (within as long again: a little more spinning would have caught it), halved when it came
 * later. On an idle machine the other thread answers within tens of microseconds and waking
 * from `Atomics.wait` costs as much again (on a virtual machine the host wakes the sleeping
 * core), so inside a batch the waits come to be spun through; on a busy one the other thread is
 * often off its core for longer, and spinning would only take time from it. (A count of loads
 * halved on every sleep could fall below the shortest wait and never rise again: every
 * hand-over then slept.)
 */
const spinMs = new Float64Array(16).fill(0.1);

/**
 * Waits until `control[slot]` is `seq`: spins, then sleeps. Throws when the other side wrote
 * a failure or when nothing moved for `stallMs` (default `STALL_MS`).
 */
export function waitForSlot(
  control: Int32Array,
  slot: number,
  seq: number,
  who: string,
  stallMs = STALL_MS,
): void {
  const start = performance.now();
  const limit = spinMs[slot];
  let now = start;
  // A load is a few ns, a clock reading some tens: the clock every 32 loads.
  while (now - start < limit) {
    for (let i = 0; i < 32; i++) {
      if (Atomics.load(control, slot) === seq) {
        spinMs[slot] = nextSpinMs(limit, performance.now() - start);
        return;
      }
    }
    now = performance.now();
  }
  while (true) {
    const value = Atomics.load(control, slot);
    if (value === seq) break;
    if (Atomics.load(control, Slot.failed) !== 0) {
      throw new ThreadFailure(failureText(control, who));
    }
    if (performance.now() - start > stallMs) {
      throw new ThreadFailure(`the ${who} stopped answering (no reply in ${stallMs / 1000} s)`);
    }
    Atomics.wait(control, slot, value, 200);
  }
  spinMs[slot] = nextSpinMs(limit, performance.now() - start);
}

/**
 * The next spin on a slot after a wait of `waitedMs` that spun up to `limitMs` first (see
 * `spinMs`): twice as long when the answer came within twice the spin, half when later.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextSpinMs } from "./half_batch_thread.ts";
 * assert.equal(nextSpinMs(0.1, 0.004), 0.2); // came while spinning
 * assert.equal(nextSpinMs(0.02, 0.03), 0.04); // slept, but a longer spin would have caught it
 * assert.equal(nextSpinMs(0.1, 3), 0.05); // the other thread was away: sleeping was right
 * ```
 */
export function nextSpinMs(limitMs: number, waitedMs: number): number {
  return waitedMs < 2 * limitMs
    ? Math.min(MAX_SPIN_MS, 2 * limitMs)
    : Math.max(MIN_SPIN_MS, limitMs / 2);
}

/** A training thread that failed or stopped answering: the batch in progress is lost. */
export class ThreadFailure extends Error {
  override name = "ThreadFailure";
}

/** Sets `control[slot]` to `seq` and wakes whoever sleeps on it. */
export function signalSlot(control: Int32Array, slot: number, seq: number): void {
  Atomics.store(control, slot, seq);
  Atomics.notify(control, slot);
}

function failureText(control: Int32Array, who: string): string {
  const length = Math.min(Atomics.load(control, MESSAGE_LENGTH), MESSAGE_BYTES);
  const bytes = new Uint8Array(control.buffer, MESSAGE_OFFSET, length).slice();
  const message = new TextDecoder().decode(bytes) || "it stopped";
  return `the ${who} failed: ${message}`;
}

/** What the main side tells the worker at start. */
export interface WorkerSetup {
  memory: WebAssembly.Memory;
  /** Whether the main side's kernels fuse multiply-adds (the worker's must do the same). */
  fused: boolean;
  control: SharedArrayBuffer;
  twin: Network["twinOptions"];
}

/**
 * The second thread of one network. Made by `startSecondThread`; `close()` ends it.
 */
export class HalfBatchThread implements SecondThread {
  private readonly control: Int32Array;
  private readonly reals: Float64Array;
  private seq = 0;
  private closed = false;

  constructor(private readonly worker: Worker, buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, FLOAT_OFFSET / 4);
    this.reals = new Float64Array(buffer, FLOAT_OFFSET, (MESSAGE_OFFSET - FLOAT_OFFSET) / 8);
  }

  start(job: HalfJob): void {
    if (this.closed) throw new Error("the second training thread is closed");
    const c = this.control;
    const r = this.reals;
    c[Slot.kind] = job.kind;
    c[Slot.rows] = job.rows;
    c[Slot.firstRow] = job.firstRow;
    c[Slot.batch] = job.batch;
    c[Slot.pixels] = job.pixels ? 1 : 0;
    r[Real.seed] = job.seed;
    r[Real.dropoutStep] = job.dropoutStep;
    r[Real.negativeWeight] = job.negativeWeight ?? 1;
    r[Real.split] = job.split ?? 0.5;
    const settings = job.settings;
    c[Slot.optimizer] = settings ? OPTIMIZER_CODES[settings.kind] : 0;
    if (settings) {
      r[Real.baseRate] = settings.learningRate;
      r[Real.learningRate] = job.learningRate ?? 0;
      r[Real.beta1] = settings.beta1;
      r[Real.beta2] = settings.beta2;
      r[Real.epsilon] = settings.epsilon;
      r[Real.weightDecay] = settings.weightDecay;
      r[Real.momentum] = settings.momentum;
      r[Real.correction1] = job.correction1 ?? 1;
      r[Real.correction2] = job.correction2 ?? 1;
    }
    this.seq = (this.seq + 1) | 0;
    signalSlot(c, Slot.job, this.seq);
  }

  firstHalfDone(): void {
    signalSlot(this.control, Slot.first, this.seq);
  }

  waitHalf(): { lossSum: number; correct: number } {
    waitForSlot(this.control, Slot.half, this.seq, "second training thread");
    return { lossSum: this.reals[Real.lossSum], correct: this.control[Slot.correct] };
  }

  waitDone(): void {
    waitForSlot(this.control, Slot.done, this.seq, "second training thread");
  }

  /** Ends the worker (it finishes nothing: call between batches). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.control[Slot.kind] = JobKind.quit;
    this.seq = (this.seq + 1) | 0;
    signalSlot(this.control, Slot.job, this.seq);
    this.worker.terminate();
  }
}

/**
 * Starts a second thread for `network` (built with `halves` on WebAssembly kernels) and
 * attaches it: from then on `trainBatch` and `network.halves.forward` use both threads, with the
 * same results as one. `close()` the returned thread (then the network trains on one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { createWasmKernels, wasmSimdSupported } from "./wasm/kernels.ts";
 * import { startSecondThread } from "./half_batch_thread.ts";
 * if (wasmSimdSupported()) {
 *   const kernels = createWasmKernels();
 *   const layers = { layerSizes: [784, 32, 10], activation: "relu" as const };
 *   const network = new Network(layers, { maxBatch: 64, kernels, halves: true });
 *   const thread = await startSecondThread(network);
 *   assert.equal(network.threads, 2);
 *   thread.close();
 *   assert.equal(network.threads, 1);
 * }
 * ```
 */
export async function startSecondThread(
  network: Network,
): Promise<HalfBatchThread & { close(): void }> {
  const memory = network.kernels.memory;
  const halves = network.halves;
  if (!memory || !halves) {
    throw new Error("a second thread needs a network with halves on WebAssembly kernels");
  }
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const worker = new Worker(new URL("./half_batch_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent) => {
      if (event.data?.ready) resolve();
      else if (event.data?.error) {
        reject(new ThreadFailure(`the second training thread failed: ${event.data.error}`));
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      // An uncaught error in the worker would end the whole process: report it instead.
      event.preventDefault();
      const control32 = new Int32Array(control, 0, FLOAT_OFFSET / 4);
      Atomics.store(control32, Slot.failed, 1);
      reject(new ThreadFailure(`the second training thread failed: ${event.message}`));
    };
  });
  const setup: WorkerSetup = {
    memory,
    fused: network.kernels.fused,
    control,
    twin: network.twinOptions,
  };
  worker.postMessage(setup);
  try {
    await ready;
  } catch (error) {
    worker.terminate();
    throw error;
  }
  const thread = new HalfBatchThread(worker, control);
  halves.useSecondThread(thread);
  const close = thread.close.bind(thread);
  thread.close = () => {
    halves.useSecondThread(undefined);
    close();
  };
  return thread;
}

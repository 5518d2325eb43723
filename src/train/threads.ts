/**
 * How many threads train a network: `--threads N`, or "auto": both cores where a second thread
 * pays for its synchronisation (measured with `deno task bench`: see the README's speed table).
 *
 * @module
 */
import type { Network } from "../network/mod.ts";

/** Threads the half-batch split can use: one per half. */
export const MAX_THREADS = 2;

/**
 * Forward multiply-adds per batch below which a second thread does not pay: a batch this
 * small (784-128-10 at batch 30, about 0.2 ms on one core) is over before the three
 * hand-overs between the threads (tens of microseconds each when the other thread sleeps)
 * and the gradient sum are paid for.
 */
const MIN_PARALLEL_WORK = 3_000_000;

/**
 * The thread count for training `network` at `batch`: `choice` when a number (capped by what
 * the network supports), else 2 when the machine has two cores, the network runs on
 * WebAssembly kernels with halves, and the batch and network are large enough to pay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { threadsFor } from "./threads.ts";
 * import { createWasmKernels, wasmSimdSupported } from "../network/wasm/kernels.ts";
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * assert.equal(threadsFor("auto", network, 64), 1); // TypeScript kernels: one thread
 * if (wasmSimdSupported() && navigator.hardwareConcurrency >= 2) {
 *   const kernels = createWasmKernels();
 *   const mlp = new Network({ layerSizes: [784, 128, 10], activation: "relu" }, {
 *     kernels,
 *     halves: true,
 *   });
 *   assert.equal(threadsFor("auto", mlp, 64), 2);
 *   assert.equal(threadsFor("auto", mlp, 8), 1); // too little work per batch
 *   assert.equal(threadsFor(1, mlp, 64), 1);
 * }
 * ```
 */
export function threadsFor(choice: number | "auto", network: Network, batch: number): number {
  const possible = network.halves && network.kernels.memory !== undefined && batch >= 2;
  if (!possible) return 1;
  if (choice !== "auto") return Math.max(1, Math.min(choice, MAX_THREADS));
  const cores = navigator.hardwareConcurrency ?? 1;
  if (cores < 2) return 1;
  return workPerSample(network) * batch >= MIN_PARALLEL_WORK ? MAX_THREADS : 1;
}

/**
 * Forward multiply-adds of a whole evaluation from which a second thread pays for its start
 * (tens of milliseconds, and a copy of the network): about half a second of one core.
 */
const MIN_PARALLEL_EVALUATION = 5e9;

/**
 * Whether evaluating `count` samples with `network` is worth a second thread: the cnn preset's
 * 10,000 test digits (1e11 multiply-adds, seconds) yes, a dense network's (2e9, 0.04 s) no.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, parseLayerSpec } from "../network/mod.ts";
 * import { evaluationPays } from "./threads.ts";
 * const mlp = new Network({ layerSizes: [784, 256, 10], activation: "relu" });
 * assert.equal(evaluationPays(mlp, 10_000), false);
 * const cnn = new Network(parseLayerSpec("cnn"), { maxBatch: 1 });
 * assert.equal(evaluationPays(cnn, 10_000), (navigator.hardwareConcurrency ?? 1) >= 2);
 * ```
 */
export function evaluationPays(network: Network, count: number): boolean {
  if ((navigator.hardwareConcurrency ?? 1) < 2) return false;
  return workPerSample(network) * count >= MIN_PARALLEL_EVALUATION;
}

/** Multiply-adds of one sample's forward pass (the backward pass is about twice that). */
function workPerSample(network: Network): number {
  let work = 0;
  for (const p of network.parameters) {
    if (!p.decays) continue; // biases
    // A dense weight is used once per sample; a conv weight once per output pixel.
    work += p.value.length * (p.shape.length === 4 ? pixelsOf(network, p.name) : 1);
  }
  return work;
}

function pixelsOf(network: Network, name: string): number {
  const index = Number(name.split(".")[1]);
  const shape = network.layerShapes[index];
  return shape.length === 3 ? shape[0] * shape[1] : 1;
}

/** How the thread probe samples: batches of warm-up, batches per timed block, rounds. */
export interface ProbeSettings {
  /**
   * Batches on two threads first, untimed (JIT and caches warm up, spin budgets adapt), and
   * for at least `warmupMs`: a new second thread's code is slower for its first tens of
   * milliseconds, longer than 16 batches of a small network take.
   */
  warmup: number;
  warmupMs: number;
  /** Batches per timed block; the blocks alternate two threads, one thread. */
  block: number;
  /** Pairs of blocks (one on two threads, one on one). */
  rounds: number;
  /** One thread is kept only when its best block is this much faster than two's (0.03: 3%). */
  margin: number;
  /**
   * Batches on one thread after it won before the probe runs again (doubled each time one
   * wins again). A probe is a fraction of a second; a slow spell of the second core in it
   * (here now and then: a virtual machine's other core away for tens of milliseconds) must
   * not keep a whole epoch on one thread when two are faster.
   */
  recheck: number;
}

/** The probe's settings in training (tests of other things set `warmupMs` to 0). */
export const PROBE: Readonly<ProbeSettings> = {
  warmup: 16,
  warmupMs: 100,
  block: 8,
  rounds: 4,
  margin: 0.03,
  recheck: 256,
};

/**
 * Whether two threads train faster than one, measured on the batches themselves: after a
 * warm-up, blocks of batches alternate between two threads and one, so that a busy moment of a
 * shared machine hits both alike; each side's figure is its fastest block (a block the other
 * programs slowed is not the machine's speed). One thread is kept only when clearly faster,
 * and then the probe runs again after `recheck` batches (twice as many each time one wins
 * again): a spell in which the second core was away does not keep one thread for the epoch.
 * The clock is injectable for tests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ThreadProbe } from "./threads.ts";
 * let now = 0;
 * const probe = new ThreadProbe(() => now);
 * while (probe.decided === undefined) {
 *   probe.begin();
 *   now += probe.threads() === 2 ? 1.0 : 1.4; // ms per batch: two threads are faster
 *   probe.end();
 * }
 * assert.equal(probe.decided, 2);
 * ```
 */
export class ThreadProbe {
  /** The probe under way (a re-check starts a new one). */
  private run = newProbeRun();
  private startMs = 0;
  /** Batches run on one thread since it won, and after how many the probe runs again. */
  private sinceDecision = 0;
  private recheckAfter: number;
  /** The thread count chosen, once the probe is over (undefined again while it re-checks). */
  decided: 1 | 2 | undefined;

  constructor(
    private readonly clock: () => number = () => performance.now(),
    private readonly settings: ProbeSettings = PROBE,
  ) {
    this.recheckAfter = settings.recheck;
  }

  /** Threads for the next batch: two in the warm-up, then by block, then the decision. */
  threads(): 1 | 2 {
    if (this.decided !== undefined) return this.decided;
    if (this.warming) return 2;
    return Math.floor(this.run.batches / this.settings.block) % 2 === 0 ? 2 : 1;
  }

  private get warming(): boolean {
    const { warmBatches, warmMs } = this.run;
    return warmBatches < this.settings.warmup || warmMs < this.settings.warmupMs;
  }

  /** Call right before a batch (after `threads()` chose how it runs). */
  begin(): void {
    this.startMs = this.clock();
  }

  /** Call right after the batch: its time counts for the block it belongs to. */
  end(): void {
    if (this.decided === 1 && ++this.sinceDecision >= this.recheckAfter) {
      // Probe again (two threads never are: the margin already leans to them).
      this.run = newProbeRun();
      this.sinceDecision = 0;
      this.recheckAfter *= 2;
      this.decided = undefined;
      return;
    }
    if (this.decided !== undefined) return;
    const { block, rounds, margin } = this.settings;
    const run = this.run;
    if (this.warming) {
      run.warmBatches++;
      run.warmMs += this.clock() - this.startMs;
      return;
    }
    const threads = this.threads();
    const timed = run.batches++;
    run.blockMs += this.clock() - this.startMs;
    if ((timed + 1) % block !== 0) return;
    run.best[threads] = Math.min(run.best[threads], run.blockMs / block);
    run.blockMs = 0;
    if (timed + 1 === 2 * block * rounds) {
      this.decided = run.best[1] < run.best[2] * (1 - margin) ? 1 : 2;
    }
  }
}

/**
 * One probe's counts: warm-up batches and their time, timed batches, the time of the block
 * under way, and each thread count's best block (ms per batch).
 */
function newProbeRun() {
  return { warmBatches: 0, warmMs: 0, batches: 0, blockMs: 0, best: { 1: Infinity, 2: Infinity } };
}

/**
 * The two-halves engine: a network built with `halves` computes each training batch of B
 * samples as its first ceil(B/2) and the rest. The second half's layers are views into the
 * same batch buffers from row ceil(maxBatch/2) on, sharing the parameter values, with
 * gradients of their own. Each half runs forward and backward; a dense layer's backward only
 * passes the gradient down. Then each tensor, cut in two parts, gets its gradient and its
 * optimizer step: a dense layer's rows of dW summed over both halves' samples in order
 * (`Kernels.gradDenseHalves`, the first half's then the second's: the bits of one pass over the
 * batch; Adam in the same pass over those rows), any other layer's dW = dW_first + dW_second
 * element by element (`Kernels.addInto`).
 * One thread does all of it in turn; with a second thread attached (half_batch_thread.ts: a
 * Worker with its own kernel instance on the same shared memory) each does one half and one
 * part. The same operations on the same numbers: the same bits.
 *
 * The math of each half is the network's (network.ts, layers.ts, softmax.ts); this file only
 * cuts the batch, hands half of it to the other thread and has the parts' gradients summed.
 *
 * @module
 */
import {
  adamCorrections,
  type HalfJob,
  JobKind,
  stepParameters,
  type StepPart,
} from "./half_batch.ts";
import { activationContext, createLayer, type Layer, updateRunningStatistics } from "./layers.ts";
import type { BatchResult, Network } from "./network.ts";
import type { OptimizerSettings } from "./optimizer.ts";
import { softmaxCrossEntropy, softmaxRows } from "./softmax.ts";

/**
 * The other thread that trains the second half of each batch: `start` hands it a job (it
 * returns at once), `waitHalf` returns when its half's gradients are ready (its loss sum and
 * hits), `waitDone` when its part of the update is done. Implemented in half_batch_thread.ts.
 */
export interface SecondThread {
  /** Hands the thread a job; returns at once. */
  start(job: HalfJob): void;
  /** Waits for the thread's half: its loss sum and hits. */
  waitHalf(): { lossSum: number; correct: number };
  /** Tells the thread the first half's gradients are ready too. */
  firstHalfDone(): void;
  /** Waits until the thread has done its part of the update. */
  waitDone(): void;
}

/**
 * Fills `count` samples of a batch, from its sample `first` on: their pixels as bytes (0..255)
 * into `pixels` [count x inputSize] and their labels into `labels` (row 0 of both is sample
 * `first`). How `HalfBatchEngine.trainBatch` asks for a batch's rows where each half of it is
 * computed; it scales the bytes to 0..1 there (`Kernels.bytesToUnit`, Math.fround(byte / 255)).
 */
export type RowFiller = (
  first: number,
  count: number,
  pixels: Uint8Array,
  labels: Uint8Array,
) => void;

/** The next batch, for `HalfBatchEngine.trainBatch` to ask for its rows while it waits. */
export interface NextBatch {
  /** Its sample count. */
  batch: number;
  /** Its rows (pass the same function as the next call's `fill`). */
  fill: RowFiller;
}

/**
 * How long the main thread waits for the second one's update part when the threads are in
 * balance (ms): `trainBatch` moves `Network.updateSplit` toward the split where it waits
 * about this long (not waiting at all: the other thread likely waits instead).
 */
const BALANCED_WAIT_MS = 0.003;
/** How far `Network.updateSplit` moves at each batch, and its bounds. */
const SPLIT_STEP = 0.005;
const SPLIT_RANGE = [0.2, 0.8] as const;

/** Samples from which `HalfBatchEngine.forward` splits a batch between two threads. */
export const PARALLEL_FORWARD_ROWS = 32;

/** The buffers a network's `build` made: the first half's, for `buildSecondHalf` to view. */
export interface BuiltLayers {
  input: Float32Array;
  inputGrad: Float32Array | undefined;
  layers: Layer[];
  /** Every batch buffer the layers took with `rows`, in order. */
  rowBuffers: Float32Array[];
  probabilities: Float32Array;
}

/** The second half's layers and labels, in the network's arena. */
export interface SecondHalf {
  layers: Layer[];
  /** The second half's labels, in the arena so that another thread reads them. */
  labels: Uint8Array;
  /**
   * Pixel bytes [maxBatch x inputSize] for a `RowFiller`: each half's rows where its input
   * rows are (the first half's from row 0, the second's from row ceil(maxBatch/2)).
   */
  pixels: Uint8Array;
}

/** What the network hands its engine besides its public fields. */
export interface FirstHalf {
  /** The network's layers (the first half's rows are theirs from row 0). */
  layers: readonly Layer[];
  /** softmax of the output layer's logits [maxBatch x classes]. */
  probabilities: Float32Array;
  /** Each parameter cut in two (first half of its values, second half) for the update. */
  stepParts: readonly [StepPart[], StepPart[]];
  /** Tells the network how many rows its last forward pass computed (for `evaluateLoss`). */
  setLastBatch(batch: number): void;
}

/**
 * The layers of a batch's second half: views into the first half's batch buffers from row
 * ceil(maxBatch/2) on, sharing its parameter values; own gradients and working space; then
 * the second half's labels. Called twice by the network's constructor: once counting floats,
 * once taking them from the arena.
 */
export function buildSecondHalf(
  network: Network,
  take: (n: number) => Float32Array,
  first: BuiltLayers,
): SecondHalf {
  const maxBatch = network.maxBatch;
  const start = Math.ceil(maxBatch / 2);
  const rows = maxBatch - start;
  const from = (buffer: Float32Array | undefined, width: number) =>
    buffer?.subarray(start * width, maxBatch * width);
  const layers: Layer[] = [];
  let rowBuffer = 0;
  let inputShape = network.inputShape;
  let previous = from(first.input, network.layerSizes[0])!;
  let previousGrad = from(first.inputGrad, network.layerSizes[0]);
  for (let index = 0; index < network.layers.length; index++) {
    const twin = first.layers[index];
    let parameter = 0;
    let state = 0;
    const layer = createLayer(network.layers[index], network.layerShapes[index], {
      kernels: network.kernels,
      take,
      rows: (n) => from(first.rowBuffers[rowBuffer++], n)!,
      parameter: (_role, shape) => ({
        ...twin.parameters[parameter++],
        grad: take(shape.reduce((a, b) => a * b, 1)),
      }),
      state: () => twin.state[state++],
      index,
      maxBatch: rows,
      inputShape,
      input: previous,
      inputGrad: previousGrad,
      seed: () => network.seed,
      ...activationContext(network.layers, index),
    });
    layers.push(layer);
    inputShape = layer.outputShape;
    previous = layer.output;
    previousGrad = layer.outputGrad;
  }
  const bytesOf = (n: number) => {
    const floats = take(Math.ceil(n / 4)); // n bytes (none while counting)
    return new Uint8Array(floats.buffer, floats.byteOffset, Math.min(n, floats.byteLength));
  };
  const labels = bytesOf(maxBatch);
  const pixels = bytesOf(maxBatch * network.layerSizes[0]);
  return { layers, labels, pixels };
}

/**
 * A network's batches in two halves, on this thread alone or with a second one attached
 * (`useSecondThread`, done by `startSecondThread`). Made by `Network` when built with `halves`
 * and reached as `network.halves`.
 */
export class HalfBatchEngine {
  /** Row of the batch buffers where the second half's layers start: ceil(maxBatch / 2). */
  private readonly secondStart: number;
  /** softmax of the second half's logits (rows from `secondStart` of `probabilities`). */
  private readonly secondProbabilities: Float32Array;
  /** The input rows the second half's layers read (from row `secondStart` of `input`). */
  private readonly secondInput: Float32Array;
  private readonly classes: number;
  private helper: SecondThread | undefined;
  /** The `RowFiller` whose batch's rows the last `trainBatch` already asked for (`next`). */
  private filledAhead: RowFiller | undefined;
  /**
   * True: the second thread stays attached but idle, this one computes both halves (the same
   * bits), e.g. while the machine is too busy for two threads to pay.
   */
  secondThreadPaused = false;

  constructor(
    /** The network whose batches these are. */
    readonly network: Network,
    private readonly first: FirstHalf,
    private readonly second: SecondHalf,
  ) {
    this.secondStart = Math.ceil(network.maxBatch / 2);
    this.classes = network.layerSizes[network.layerSizes.length - 1];
    this.secondProbabilities = first.probabilities.subarray(this.secondStart * this.classes);
    this.secondInput = network.input.subarray(this.secondStart * network.layerSizes[0]);
  }

  /** Threads that train the network: 2 with a second thread attached and not paused, else 1. */
  get threads(): number {
    return this.helper && !this.secondThreadPaused ? 2 : 1;
  }

  /** Whether a second thread is attached (in use or paused). */
  get secondThreadAttached(): boolean {
    return this.helper !== undefined;
  }

  /** Hands the second half of every batch (and of large forward passes) to `thread`, or takes it back (undefined). */
  useSecondThread(thread: SecondThread | undefined): void {
    this.helper = thread;
  }

  /**
   * Forward (dropout on), loss, backward and, with `settings`, one update, as two halves:
   * first ceil(batch/2) samples here, the rest here or on the second thread; the same result
   * either way. The second half's input rows are moved (refill `input` before the next
   * batch). With `fill`, the engine asks for the rows instead (the network's `input` and
   * `labels` are then not read), the second half's first. With `next`, it also asks for the
   * next batch's rows, into the same `labels`, once both halves are done with this batch's
   * (with two threads, while the other thread updates): the next call with `fill` =
   * `next.fill` and the same `labels` does not ask again.
   */
  trainBatch(
    labels: Uint8Array,
    batch: number,
    settings: OptimizerSettings | undefined,
    learningRate: number,
    fill?: RowFiller,
    next?: NextBatch,
  ): BatchResult {
    const network = this.network;
    if (!Number.isInteger(batch) || batch < 1 || batch > network.maxBatch) {
      throw new RangeError(`batch must be 1..${network.maxBatch}, got ${batch}`);
    }
    const firstRows = Math.ceil(batch / 2);
    const secondRows = batch - firstRows;
    const dropoutStep = network.optimizerStep;
    if (settings) network.optimizerStep++;
    const [correction1, correction2] = settings
      ? adamCorrections(settings, network.optimizerStep)
      : [1, 1];
    // The second half's rows first, straight where its layers read them, so that the other
    // thread starts while this one fills its own rows (as bytes: each half scales its own).
    const pixels = fill !== undefined;
    const filled = fill !== undefined && fill === this.filledAhead;
    this.filledAhead = undefined;
    if (fill && !filled) {
      fill(firstRows, secondRows, this.pixelRows(1), this.second.labels);
    } else if (!fill) this.stageSecondHalf(batch, firstRows, labels);
    const helper = secondRows > 0 && !this.secondThreadPaused ? this.helper : undefined;
    helper?.start({
      kind: settings ? JobKind.train : JobKind.gradients,
      rows: secondRows,
      firstRow: firstRows,
      batch,
      dropoutStep,
      seed: network.seed,
      negativeWeight: network.negativeWeight,
      settings,
      learningRate,
      correction1,
      correction2,
      pixels,
      split: network.updateSplit,
    });
    if (fill && !filled) fill(0, firstRows, this.pixelRows(0), labels);
    const first = this.trainHalf(0, firstRows, 0, batch, labels, dropoutStep, pixels);
    let second = { lossSum: 0, correct: 0 };
    if (helper) {
      helper.firstHalfDone();
      second = helper.waitHalf();
    } else if (secondRows > 0) {
      second = this.trainHalf(1, secondRows, firstRows, batch, undefined, dropoutStep, pixels);
    }
    // Both halves have read their rows: the next batch's may go where they were.
    if (next) this.fillAhead(next, labels);
    const [part0, part1] = this.first.stepParts;
    const kernels = network.kernels;
    const added = secondRows > 0;
    const rows = [firstRows, secondRows] as const;
    stepParameters(kernels, part0, added, settings, learningRate, correction1, correction2, rows);
    if (helper) {
      const waitStart = performance.now();
      helper.waitDone();
      if (settings) this.balanceUpdate(performance.now() - waitStart);
    } else {
      stepParameters(kernels, part1, added, settings, learningRate, correction1, correction2, rows);
    }
    if (settings) {
      updateRunningStatistics(this.first.layers, this.second.layers, firstRows, secondRows);
    }
    this.first.setLastBatch(0); // the logits are not one batch's rows any more: no evaluateLoss
    return {
      loss: (first.lossSum + second.lossSum) / batch,
      correct: first.correct + second.correct,
    };
  }

  /** Asks for the rows of `next` (both halves', labels of the first into `labels`). */
  private fillAhead(next: NextBatch, labels: Uint8Array): void {
    const firstRows = Math.ceil(next.batch / 2);
    next.fill(firstRows, next.batch - firstRows, this.pixelRows(1), this.second.labels);
    next.fill(0, firstRows, this.pixelRows(0), labels);
    this.filledAhead = next.fill;
  }

  /**
   * Moves `Network.updateSplit` one step toward the balance of the two threads' update parts,
   * from how long this thread waited for the other's (`waitedMs`): waiting longer than
   * `BALANCED_WAIT_MS` gives this thread more rows, not waiting gives the other more (this one
   * also fills the next batch and runs the training loop). No result depends on the split.
   */
  private balanceUpdate(waitedMs: number): void {
    const network = this.network;
    const step = waitedMs > BALANCED_WAIT_MS ? SPLIT_STEP : -SPLIT_STEP;
    network.updateSplit = Math.min(
      SPLIT_RANGE[1],
      Math.max(SPLIT_RANGE[0], network.updateSplit + step),
    );
  }

  /** The pixel bytes of half 0 or 1 (where its input rows are: row 0 or `secondStart`). */
  private pixelRows(half: 0 | 1): Uint8Array {
    return half === 0
      ? this.second.pixels
      : this.second.pixels.subarray(this.secondStart * this.network.layerSizes[0]);
  }

  /** Moves input rows [firstRows, batch) to where the second half's layers read them. */
  private stageSecondHalf(batch: number, firstRows: number, labels?: Uint8Array): void {
    if (batch === firstRows) return;
    const inSize = this.network.layerSizes[0];
    this.network.input.copyWithin(this.secondStart * inSize, firstRows * inSize, batch * inSize);
    if (labels) {
      for (let b = firstRows; b < batch; b++) this.second.labels[b - firstRows] = labels[b];
    }
  }

  /**
   * Forward, loss and backward of one half (0: rows from 0, 1: the second half's layers) of a
   * batch of `batch` samples: its gradients are its samples' part of the batch mean's.
   * Returns the half's loss sum and hits. The second thread runs half 1 through this; half 1
   * reads the labels `trainBatch` staged (`labels` is then unused). With `pixels`, the half's
   * input rows are first scaled from the bytes a `RowFiller` wrote.
   */
  trainHalf(
    half: 0 | 1,
    rows: number,
    firstRow: number,
    batch: number,
    labels: Uint8Array | undefined,
    dropoutStep: number,
    pixels = false,
  ): { lossSum: number; correct: number } {
    if (pixels) {
      const input = half === 0 ? this.network.input : this.secondInput;
      this.network.kernels.bytesToUnit(
        this.pixelRows(half),
        input,
        rows * this.network.layerSizes[0],
      );
    }
    const layers = half === 0 ? this.first.layers : this.second.layers;
    // The second half's labels are always in the arena (stageSecondHalf put them there).
    if (half === 1 || !labels) labels = this.second.labels;
    for (const layer of layers) layer.forward(rows, true, dropoutStep, firstRow);
    const last = layers[layers.length - 1];
    const probabilities = half === 0 ? this.first.probabilities : this.secondProbabilities;
    const result = softmaxCrossEntropy(
      last.output,
      probabilities,
      labels,
      last.outputGrad,
      rows,
      this.classes,
      1 / batch,
      this.network.negativeWeight,
    );
    // Dense layers leave their weight gradients to the update (stepParameters), which sums
    // both halves' samples for the rows each thread updates.
    for (let k = layers.length - 1; k >= 0; k--) layers[k].backward(rows, false);
    return result;
  }

  /** Forward pass of the second half's layers over `rows` samples (the helper's part). */
  forwardSecondHalf(rows: number): void {
    const layers = this.second.layers;
    for (const layer of layers) layer.forward(rows, false, this.network.optimizerStep, 0);
    const last = layers[layers.length - 1];
    softmaxRows(last.output, this.secondProbabilities, rows, this.classes);
  }

  /**
   * The second update part, on the helper: its gradients (the whole batch's rows of dense
   * layers, the halves' sum for the others), then its update when asked.
   */
  stepSecondPart(job: HalfJob): void {
    stepParameters(
      this.network.kernels,
      this.first.stepParts[1],
      true,
      job.kind === JobKind.train ? job.settings : undefined,
      job.learningRate ?? 0,
      job.correction1 ?? 1,
      job.correction2 ?? 1,
      [job.batch - job.rows, job.rows],
    );
  }

  /**
   * `network.forward(batch)` on every thread the network has: with a second thread and at
   * least `PARALLEL_FORWARD_ROWS` samples, each computes half of the rows (the same numbers:
   * each sample's output depends on that sample only). Returns the probabilities
   * [batch x classes]; `evaluateLoss` works after it, `layerOutputs` does not (use `forward`
   * to inspect).
   */
  forward(batch: number): Float32Array {
    const network = this.network;
    if (!this.helper || this.secondThreadPaused || batch < PARALLEL_FORWARD_ROWS) {
      return network.forward(batch);
    }
    if (!Number.isInteger(batch) || batch > network.maxBatch) {
      throw new RangeError(`batch must be 1..${network.maxBatch}, got ${batch}`);
    }
    const firstRows = Math.ceil(batch / 2);
    const secondRows = batch - firstRows;
    this.stageSecondHalf(batch, firstRows);
    this.helper.start({
      kind: JobKind.forward,
      rows: secondRows,
      firstRow: firstRows,
      batch,
      dropoutStep: network.optimizerStep,
      seed: network.seed,
    });
    const layers = this.first.layers;
    for (const layer of layers) layer.forward(firstRows, false, network.optimizerStep, 0);
    const logits = layers[layers.length - 1].output;
    const probabilities = this.first.probabilities;
    softmaxRows(logits, probabilities, firstRows, this.classes);
    this.helper.waitHalf();
    // The second half's logits and probabilities back after the first half's.
    const c = this.classes;
    const from = this.secondStart * c;
    logits.copyWithin(firstRows * c, from, from + secondRows * c);
    probabilities.copyWithin(firstRows * c, from, from + secondRows * c);
    this.first.setLastBatch(batch);
    return probabilities.subarray(0, batch * c);
  }
}

/**
 * The network: a multilayer perceptron trained by mini-batch backprop on Float32Arrays that are
 * allocated once. Read it with Nielsen's chapter 2 at hand; his column vectors are our rows.
 *
 * ## The math, in this code's row-major notation
 *
 * A batch holds B samples, one per row. Layer k = 1..L has weights W_k [n_(k-1) x n_k] and
 * bias b_k [n_k]; n_0 = 784 pixels, n_L = 10 digits; a_0 = X [B x 784]; f is the hidden
 * activation (activations.ts).
 *
 * Forward pass (`Network.forward`):
 *
 *     z_k [B x n_k] = a_(k-1) [B x n_(k-1)] · W_k [n_(k-1) x n_k] + b_k   Kernels.forwardDense
 *     a_k [B x n_k] = f(z_k)                        for k < L            activateInPlace
 *     a_L [B x 10]  = softmax(z_L), row by row                           softmaxRows
 *     C = -(1/B) sum_b log a_L[b, y_b]           (from z_L, stably)     Network.evaluateLoss
 *
 * The four backprop equations (`Network.backward`), with delta_k = dC/dz_k [B x n_k]:
 *
 *     (BP1) delta_L = (a_L - onehot(y)) / B           softmax + cross-entropy, in backward
 *     (BP2) delta_k = (delta_(k+1) · W_(k+1)^T) ⊙ f'(z_k)
 *                                   Kernels.backDense, then multiplyByDerivative (f' from a_k)
 *     (BP3) dC/db_k [n_k] = sum over rows of delta_k                     Kernels.gradDense
 *     (BP4) dC/dW_k [n_(k-1) x n_k] = a_(k-1)^T · delta_k               Kernels.gradDense
 *
 * `Network.applyGradients` then takes one optimizer step with those gradients (sgd, momentum,
 * AdamW: optimizer.ts and the kernels' `sgdStep`/`adamStep`); `Network.trainBatch` is forward,
 * loss, backward and step.
 *
 * ## Buffers
 *
 * Every tensor is a view into one arena from `Kernels.arena` (so the WebAssembly kernels work on
 * it in place), sized once for `maxBatch` rows: per parameter its value, gradient and two
 * optimizer moments; per layer its activations a_k and deltas; the output logits z_L. Nothing
 * is allocated per batch.
 *
 * @module
 */

import { activateInPlace, type Activation, multiplyByDerivative } from "./activations.ts";
import { createTsKernels, type Kernels } from "./kernels.ts";
import type { OptimizerSettings } from "./optimizer.ts";
import { Random } from "./random.ts";

/** The shape of a network: layer sizes `[784, ...hidden, 10]` and the hidden activation. */
export interface Architecture {
  layerSizes: number[];
  activation: Activation;
}

/** One trainable tensor with its gradient and optimizer state, all views into the arena. */
export interface Parameter {
  /** `layers.<k>.weight` ([in x out]) or `layers.<k>.bias` ([out]). */
  name: string;
  shape: number[];
  value: Float32Array;
  grad: Float32Array;
  /** Adam's first moment, or the momentum velocity. */
  moment1: Float32Array;
  /** Adam's second moment (unused by sgd/momentum). */
  moment2: Float32Array;
  /** Whether weight decay applies (weights yes, biases no). */
  decays: boolean;
}

/** Loss and hits of one batch. */
export interface BatchResult {
  /** Mean cross-entropy over the batch. */
  loss: number;
  /** How many samples the network predicted right. */
  correct: number;
}

/** Options for building a network. */
export interface NetworkOptions {
  /** Largest batch `forward` will be asked for; buffers are sized for it once. Default 256. */
  maxBatch?: number;
  /** Kernel implementation; default the TypeScript reference kernels. */
  kernels?: Kernels;
  /** Seed for the initial weights. Default 1. */
  seed?: number;
}

/**
 * A fully connected feed-forward network with softmax output and cross-entropy loss, computed
 * in mini-batches over Float32Arrays that are allocated once (one arena) and reused.
 *
 * @example
 * ```ts
 * const net = new Network({ layerSizes: [784, 128, 10], activation: "relu" }, { seed: 7 });
 * net.input.set(pixels); // [batch x 784], 0..1
 * const probabilities = net.forward(1); // [1 x 10]
 * ```
 */
export class Network {
  readonly layerSizes: readonly number[];
  readonly activation: Activation;
  readonly maxBatch: number;
  readonly kernels: Kernels;
  /** weights[k] is [layerSizes[k] x layerSizes[k+1]], biases[k] is [layerSizes[k+1]]. */
  readonly weights: Float32Array[] = [];
  readonly biases: Float32Array[] = [];
  /** Every trainable tensor, weights and biases layer by layer. */
  readonly parameters: Parameter[] = [];
  /** Optimizer updates applied so far (Adam's bias correction and the schedule use it). */
  optimizerStep = 0;

  /** activations[0] is the input [maxBatch x 784]; activations[k] the output of layer k. */
  private readonly activations: Float32Array[] = [];
  /** deltas[k] is dL/dz of layer k, [maxBatch x layerSizes[k+1]]. */
  private readonly deltas: Float32Array[] = [];
  /** The output layer's logits [maxBatch x classes], kept for a stable log-softmax loss. */
  private readonly logits: Float32Array;
  private lastBatch = 0;

  constructor(architecture: Architecture, options: NetworkOptions = {}) {
    const sizes = architecture.layerSizes;
    if (sizes.length < 2 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
      throw new RangeError(`layer sizes must be at least two positive integers, got [${sizes}]`);
    }
    this.layerSizes = [...sizes];
    this.activation = architecture.activation;
    this.maxBatch = options.maxBatch ?? 256;
    this.kernels = options.kernels ?? createTsKernels();

    const layers = sizes.length - 1;
    const classes = sizes[layers];
    // Sizes of every buffer, in allocation order, so the arena is sized exactly once.
    const parameterLengths: number[] = [];
    for (let k = 0; k < layers; k++) parameterLengths.push(sizes[k] * sizes[k + 1], sizes[k + 1]);
    const activationLengths = sizes.map((size) => this.maxBatch * size);
    const deltaLengths = sizes.slice(1).map((size) => this.maxBatch * size);
    const aligned = (n: number) => Math.ceil(n / 4) * 4; // 16-byte alignment for SIMD loads
    const total = parameterLengths.reduce((sum, n) => sum + 4 * aligned(n), 0) +
      [...activationLengths, ...deltaLengths, this.maxBatch * classes]
        .reduce((sum, n) => sum + aligned(n), 0);
    const arena = this.kernels.arena(total);
    let offset = 0;
    const take = (n: number) => {
      const view = arena.subarray(offset, offset + n);
      offset += aligned(n);
      return view;
    };

    for (let k = 0; k < layers; k++) {
      for (const isWeight of [true, false]) {
        const shape = isWeight ? [sizes[k], sizes[k + 1]] : [sizes[k + 1]];
        const n = shape.reduce((a, b) => a * b, 1);
        const parameter: Parameter = {
          name: `layers.${k}.${isWeight ? "weight" : "bias"}`,
          shape,
          value: take(n),
          grad: take(n),
          moment1: take(n),
          moment2: take(n),
          decays: isWeight,
        };
        this.parameters.push(parameter);
        (isWeight ? this.weights : this.biases).push(parameter.value);
      }
    }
    for (const n of activationLengths) this.activations.push(take(n));
    for (const n of deltaLengths) this.deltas.push(take(n));
    this.logits = take(this.maxBatch * classes);
    this.initialize(options.seed ?? 1);
  }

  /** The input buffer [maxBatch x 784] to fill before `forward`. */
  get input(): Float32Array {
    return this.activations[0];
  }

  /** Number of weight and bias values. */
  get parameterCount(): number {
    return this.parameters.reduce((sum, p) => sum + p.value.length, 0);
  }

  /**
   * Fresh random weights, zero biases and zero optimizer state: He-normal (std sqrt(2/in)) for
   * ReLU layers, Glorot-uniform (limit sqrt(6/(in+out))) for sigmoid/tanh and the output layer.
   */
  initialize(seed: number): void {
    const rng = new Random(seed);
    const layers = this.layerSizes.length - 1;
    for (let k = 0; k < layers; k++) {
      const fanIn = this.layerSizes[k];
      const fanOut = this.layerSizes[k + 1];
      const w = this.weights[k];
      if (this.activation === "relu" && k < layers - 1) {
        const std = Math.sqrt(2 / fanIn);
        for (let i = 0; i < w.length; i++) w[i] = rng.gaussian() * std;
      } else {
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-limit, limit);
      }
      this.biases[k].fill(0);
    }
    this.resetOptimizer();
  }

  /** Zeroes the optimizer state and the step counter (used when starting a fresh run). */
  resetOptimizer(): void {
    for (const p of this.parameters) {
      p.moment1.fill(0);
      p.moment2.fill(0);
    }
    this.optimizerStep = 0;
  }

  /**
   * Forward pass over the first `batch` rows of `input`; returns the softmax probabilities
   * [batch x classes] (a view, overwritten by the next call).
   */
  forward(batch: number): Float32Array {
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new RangeError(`batch must be 1..${this.maxBatch}, got ${batch}`);
    }
    const layers = this.layerSizes.length - 1;
    for (let k = 0; k < layers; k++) {
      const inSize = this.layerSizes[k];
      const outSize = this.layerSizes[k + 1];
      const isOutput = k === layers - 1;
      // z[B x out] = a[B x in] · W[in x out] + b
      const z = isOutput ? this.logits : this.activations[k + 1];
      this.kernels.forwardDense(
        this.activations[k],
        this.weights[k],
        this.biases[k],
        z,
        batch,
        inSize,
        outSize,
      );
      if (isOutput) softmaxRows(z, this.activations[k + 1], batch, outSize);
      else activateInPlace(this.activation, z, batch * outSize);
    }
    this.lastBatch = batch;
    return this.activations[layers].subarray(0, batch * this.layerSizes[layers]);
  }

  /**
   * Mean cross-entropy of the last forward pass against `labels` (one per row), and hits.
   * Uses the log-sum-exp of the logits, so a confident wrong answer costs a finite, exact loss.
   */
  evaluateLoss(labels: Uint8Array): BatchResult {
    const batch = this.lastBatch;
    const classes = this.layerSizes[this.layerSizes.length - 1];
    const z = this.logits;
    let loss = 0;
    let correct = 0;
    for (let b = 0; b < batch; b++) {
      const row = b * classes;
      let max = z[row];
      let argmax = 0;
      for (let c = 1; c < classes; c++) {
        if (z[row + c] > max) {
          max = z[row + c];
          argmax = c;
        }
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(z[row + c] - max);
      loss += Math.log(sum) + max - z[row + labels[b]];
      if (argmax === labels[b]) correct++;
    }
    return { loss: loss / batch, correct };
  }

  /**
   * Backward pass for the last forward pass: fills every parameter's `grad` with the gradient
   * of the mean cross-entropy over the batch.
   */
  backward(labels: Uint8Array): void {
    const batch = this.lastBatch;
    const layers = this.layerSizes.length - 1;
    const classes = this.layerSizes[layers];
    // Softmax with cross-entropy: dL/dz = (p - onehot(y)) / B  [B x classes]
    const probabilities = this.activations[layers];
    const outputDelta = this.deltas[layers - 1];
    const scale = 1 / batch;
    for (let b = 0; b < batch; b++) {
      const row = b * classes;
      for (let c = 0; c < classes; c++) outputDelta[row + c] = probabilities[row + c] * scale;
      outputDelta[row + labels[b]] -= scale;
    }
    for (let k = layers - 1; k >= 0; k--) {
      const inSize = this.layerSizes[k];
      const outSize = this.layerSizes[k + 1];
      const weight = this.parameters[2 * k];
      const bias = this.parameters[2 * k + 1];
      // dW[in x out] = a_prev^T[in x B] · delta[B x out];  db = column sums of delta
      this.kernels.gradDense(
        this.activations[k],
        this.deltas[k],
        weight.grad,
        bias.grad,
        batch,
        inSize,
        outSize,
      );
      if (k === 0) break; // no gradient needed for the input pixels
      // dA_prev[B x in] = delta[B x out] · W^T[out x in], then times f'(z_prev)
      const previousDelta = this.deltas[k - 1];
      this.kernels.backDense(this.deltas[k], weight.value, previousDelta, batch, inSize, outSize);
      multiplyByDerivative(this.activation, previousDelta, this.activations[k], batch * inSize);
    }
  }

  /** Applies one optimizer update with the gradients from `backward`. */
  applyGradients(settings: OptimizerSettings, learningRate: number): void {
    this.optimizerStep++;
    const kernels = this.kernels;
    if (settings.kind === "adam") {
      const correction1 = 1 - Math.pow(settings.beta1, this.optimizerStep);
      const correction2 = 1 - Math.pow(settings.beta2, this.optimizerStep);
      for (const p of this.parameters) {
        kernels.adamStep(
          p.value,
          p.grad,
          p.moment1,
          p.moment2,
          learningRate,
          settings.beta1,
          settings.beta2,
          settings.epsilon,
          p.decays ? settings.weightDecay : 0,
          correction1,
          correction2,
        );
      }
    } else {
      const momentum = settings.kind === "momentum" ? settings.momentum : 0;
      for (const p of this.parameters) {
        kernels.sgdStep(
          p.value,
          p.grad,
          p.moment1,
          learningRate,
          momentum,
          p.decays ? settings.weightDecay : 0,
        );
      }
    }
  }

  /** Forward, loss, backward and one update on the first `batch` rows of `input`. */
  trainBatch(
    labels: Uint8Array,
    batch: number,
    settings: OptimizerSettings,
    learningRate: number,
  ): BatchResult {
    this.forward(batch);
    const result = this.evaluateLoss(labels);
    this.backward(labels);
    this.applyGradients(settings, learningRate);
    return result;
  }

  /** Probabilities for one image of 784 values in 0..1 (a fresh array). */
  predict(pixels: Float32Array): Float32Array {
    this.input.set(pixels.subarray(0, this.layerSizes[0]));
    return this.forward(1).slice();
  }

  /** Copies weights, biases, optimizer state and step from a network of the same shape. */
  copyFrom(other: Network): void {
    if (other.layerSizes.join() !== this.layerSizes.join()) {
      throw new RangeError(`cannot copy [${other.layerSizes}] into [${this.layerSizes}]`);
    }
    for (let i = 0; i < this.parameters.length; i++) {
      const to = this.parameters[i];
      const from = other.parameters[i];
      to.value.set(from.value);
      to.moment1.set(from.moment1);
      to.moment2.set(from.moment2);
    }
    this.optimizerStep = other.optimizerStep;
  }
}

/** p[b, :] = softmax(z[b, :]) for each of `batch` rows, shifted by the row max for stability. */
function softmaxRows(z: Float32Array, p: Float32Array, batch: number, classes: number): void {
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    let max = z[row];
    for (let c = 1; c < classes; c++) if (z[row + c] > max) max = z[row + c];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(z[row + c] - max);
      p[row + c] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let c = 0; c < classes; c++) p[row + c] *= inv;
  }
}

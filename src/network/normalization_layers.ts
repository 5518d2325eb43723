/**
 * The layers that normalize: batch normalization of the layer before (with its running
 * statistics for inference) and the fixed standardization of the input. Layer kinds of
 * layers.ts.
 *
 * @module
 */
import { activateInPlace, multiplyByDerivative } from "./activations.ts";
import type { LayerSpec, Shape, StandardizeSpec } from "./layer_spec.ts";
import {
  type Layer,
  type LayerContext,
  type Parameter,
  sizeOf,
  type StateTensor,
} from "./layer_base.ts";

/** Batch norm's guard against dividing by zero, and how fast running statistics follow. */
export const BATCH_NORM_EPSILON = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

/**
 * Batch normalization (Ioffe & Szegedy 2015) of the conv or dense layer before it, then that
 * layer's activation. Per channel c (the last axis), over the N = rows x pixels values of c:
 *
 *     mean_c, var_c = over the N values (training: this batch's; inference: running)
 *     xhat = (x - mean_c) / sqrt(var_c + eps);   y = gamma_c * xhat + beta_c;   a = f(y)
 *
 * Backward, with dy = dL/da ⊙ f'(y) and sums over the same N values:
 *
 *     dbeta_c = sum dy;   dgamma_c = sum dy * xhat
 *     dx = gamma_c / sqrt(var_c + eps) * (dy - dbeta_c / N - xhat * dgamma_c / N)
 *
 * Each half of a batch (half_batch.ts) is normalized by its own statistics ("ghost batch
 * norm" over ceil(B/2) and floor(B/2) samples), so one thread and two compute the same bits.
 * After each training step the network blends both halves' statistics into the running ones
 * (`updateRunning`): running = (1 - m) running + m * batch, m = 0.1, the variance unbiased.
 */
export class BatchNormLayer implements Layer {
  readonly parameters: Parameter[];
  readonly state: StateTensor[];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  private readonly channels: number;
  /** This half's mean and 1 / sqrt(var + eps) per channel, from the last training pass. */
  private readonly mean: Float32Array;
  private readonly invStd: Float32Array;
  /** This half's (biased) variance per channel, for the running statistics. */
  private readonly variance: Float32Array;
  /** Per channel: the scale and shift that make y from x; the backward pass's sums. */
  private readonly scale: Float32Array;
  private readonly shift: Float32Array;
  private readonly sumDy: Float64Array;
  private readonly sumDyXhat: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly xCoefficient: Float64Array;
  private readonly constant: Float64Array;
  /** Values of one channel in the last forward pass (rows x pixels). */
  private count = 0;
  private trained = false;
  /** Whether the last forward pass left the ReLU to the pool after this layer. */
  private reluAtPool = false;

  constructor(
    readonly spec: LayerSpec,
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    const channels = this.channels = outputShape[outputShape.length - 1];
    this.parameters = [
      context.parameter("weight", [channels]),
      context.parameter("bias", [channels]),
    ];
    this.state = [
      context.state("running_mean", [channels]),
      context.state("running_var", [channels]),
    ];
    this.output = context.rows(sizeOf(outputShape));
    this.outputGrad = context.rows(sizeOf(outputShape));
    this.mean = context.take(channels);
    this.invStd = context.take(channels);
    this.variance = context.take(channels);
    this.scale = context.take(channels);
    this.shift = context.take(channels);
    this.sumDy = new Float64Array(channels);
    this.sumDyXhat = new Float64Array(channels);
    this.sum = new Float64Array(channels);
    this.sumSquares = new Float64Array(channels);
    this.xCoefficient = new Float64Array(channels);
    this.constant = new Float64Array(channels);
  }

  initialize(): void {
    this.parameters[0].value.fill(1);
    this.parameters[1].value.fill(0);
    this.state[0].value.fill(0);
    this.state[1].value.fill(1);
  }

  forward(batch: number, training: boolean): void {
    const { input } = this.context;
    const channels = this.channels;
    const n = batch * sizeOf(this.outputShape);
    const perChannel = n / channels;
    const [gamma, beta] = this.parameters;
    const { mean, invStd, variance, scale, shift } = this;
    if (training) {
      // mean_c and var_c over this half's values of channel c (sums in float64).
      const sum = this.sum.fill(0);
      const squares = this.sumSquares.fill(0);
      for (let i = 0; i < n; i += channels) {
        for (let c = 0; c < channels; c++) {
          const x = input[i + c];
          sum[c] += x;
          squares[c] += x * x;
        }
      }
      for (let c = 0; c < channels; c++) {
        const m = sum[c] / perChannel;
        const v = Math.max(0, squares[c] / perChannel - m * m);
        mean[c] = m;
        variance[c] = v;
        invStd[c] = 1 / Math.sqrt(v + BATCH_NORM_EPSILON);
      }
    } else {
      const [runningMean, runningVar] = this.state;
      for (let c = 0; c < channels; c++) {
        mean[c] = runningMean.value[c];
        invStd[c] = 1 / Math.sqrt(runningVar.value[c] + BATCH_NORM_EPSILON);
      }
    }
    // y = gamma * (x - mean) * invStd + beta = x * scale + shift
    for (let c = 0; c < channels; c++) {
      scale[c] = gamma.value[c] * invStd[c];
      shift[c] = beta.value[c] - mean[c] * scale[c];
    }
    const y = this.output;
    this.reluAtPool = training && this.context.reluAtPool;
    const relu = this.context.activation === "relu" && !this.reluAtPool;
    for (let i = 0; i < n; i += channels) {
      for (let c = 0; c < channels; c++) {
        const v = input[i + c] * scale[c] + shift[c];
        y[i + c] = relu && v < 0 ? 0 : v;
      }
    }
    const activation = this.context.activation;
    if (activation && activation !== "relu") activateInPlace(activation, y, n);
    this.count = perChannel;
    this.trained = training;
  }

  backward(batch: number): void {
    if (!this.trained) throw new Error("batch norm's backward needs a training forward pass");
    const { input, inputGrad } = this.context;
    const channels = this.channels;
    const n = batch * sizeOf(this.outputShape);
    const dy = this.outputGrad;
    const activation = this.context.activation;
    // dy = dL/da ⊙ f'(y) (when the pool after this layer applied the ReLU, it did this too).
    if (activation === "relu" && !this.reluAtPool) {
      this.context.kernels.reluGrad(dy, this.output, n);
    } else if (activation && activation !== "relu") {
      multiplyByDerivative(activation, dy, this.output, n);
    }
    const { mean, invStd } = this;
    const sumDy = this.sumDy.fill(0);
    const sumDyXhat = this.sumDyXhat.fill(0);
    for (let i = 0; i < n; i += channels) {
      for (let c = 0; c < channels; c++) {
        const g = dy[i + c];
        sumDy[c] += g;
        sumDyXhat[c] += g * (input[i + c] - mean[c]) * invStd[c];
      }
    }
    const [gamma, beta] = this.parameters;
    for (let c = 0; c < channels; c++) {
      gamma.grad[c] = sumDyXhat[c];
      beta.grad[c] = sumDy[c];
    }
    if (!inputGrad) return;
    // dx = gamma invStd (dy - sumDy / N - xhat sumDyXhat / N) = a dy + b x + d per channel, with
    // a = gamma invStd (forward's scale), k = a invStd sumDyXhat / N, b = -k,
    // d = k mean - a sumDy / N.
    const a = this.scale;
    const { xCoefficient, constant } = this;
    const perChannel = this.count;
    for (let c = 0; c < channels; c++) {
      const k = a[c] * invStd[c] * sumDyXhat[c] / perChannel;
      xCoefficient[c] = -k;
      constant[c] = k * mean[c] - a[c] * sumDy[c] / perChannel;
    }
    for (let i = 0; i < n; i += channels) {
      for (let c = 0; c < channels; c++) {
        inputGrad[i + c] = a[c] * dy[i + c] + xCoefficient[c] * input[i + c] + constant[c];
      }
    }
  }

  /**
   * running = (1 - m) running + m * this step's statistics, those of this layer's half and of
   * `second`'s (the same layer of the batch's second half) weighted by their rows; the batch
   * variance made unbiased (N / (N - 1)) like PyTorch's running_var.
   */
  updateRunning(second: BatchNormLayer | undefined, rows: number, secondRows: number): void {
    const [runningMean, runningVar] = this.state;
    const m = BATCH_NORM_MOMENTUM;
    const values = this.count / Math.max(1, rows) * (rows + secondRows);
    const unbias = values > 1 ? values / (values - 1) : 1;
    const w1 = rows / (rows + secondRows);
    const w2 = 1 - w1;
    for (let c = 0; c < this.channels; c++) {
      let batchMean = this.mean[c] * w1;
      let batchVar = this.variance[c] * w1;
      if (second && secondRows > 0) {
        batchMean += second.mean[c] * w2;
        batchVar += second.variance[c] * w2;
      }
      runningMean.value[c] = (1 - m) * runningMean.value[c] + m * batchMean;
      runningVar.value[c] = (1 - m) * runningVar.value[c] + m * batchVar * unbias;
    }
  }
}

/** (x - mean) / std on the input: dL/dx = dL/dy / std. */
export class StandardizeLayer implements Layer {
  readonly parameters: Parameter[] = [];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  private readonly size: number;

  constructor(
    readonly spec: StandardizeSpec,
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    this.size = sizeOf(outputShape);
    this.output = context.rows(this.size);
    this.outputGrad = context.rows(this.size);
  }

  initialize(): void {}

  forward(batch: number): void {
    const x = this.context.input;
    const y = this.output;
    const mean = this.spec.mean;
    const inverse = 1 / this.spec.std;
    for (let i = 0, n = batch * this.size; i < n; i++) y[i] = (x[i] - mean) * inverse;
  }

  backward(batch: number): void {
    const dx = this.context.inputGrad;
    if (!dx) return;
    const dy = this.outputGrad;
    const inverse = 1 / this.spec.std;
    for (let i = 0, n = batch * this.size; i < n; i++) dx[i] = dy[i] * inverse;
  }
}

/**
 * After a training step, each batch norm's running statistics take in the step's: those of the
 * first half's layers and of the second's (absent without halves), weighted by their rows,
 * always on the main thread (the same bits with one thread or two).
 */
export function updateRunningStatistics(
  first: readonly Layer[],
  second: readonly Layer[] | undefined,
  firstRows: number,
  secondRows: number,
): void {
  first.forEach((layer, k) => {
    if (!(layer instanceof BatchNormLayer)) return;
    layer.updateRunning(second?.[k] as BatchNormLayer | undefined, firstRows, secondRows);
  });
}

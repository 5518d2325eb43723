/**
 * The convolution layer (stride 1, same or valid padding as its spec says): forward as a
 * matrix product over patch rows, backward into its weights, bias and input. One of the layer
 * kinds of layers.ts.
 *
 * @module
 */
import { activateInPlace, multiplyByDerivative } from "./activations.ts";
import { type ConvGeometry, convScratchSize } from "./kernels.ts";
import type { ConvSpec, Shape } from "./layer_spec.ts";
import type { Random } from "./random.ts";
import {
  initializeWeights,
  type Layer,
  type LayerContext,
  type Parameter,
  type StateTensor,
} from "./layer_base.ts";

/** Input channels from which conv layers use the kernels that write no patch rows. */
const FUSED_MIN_CHANNELS = 8;

/** Floats of patch rows one im2col chunk may hold: about 1 MB, to stay in a core's L2. */
const COLUMN_CHUNK_FLOATS = 1 << 18;

/**
 * Convolution, stride 1, as a matrix product over patch rows: for each output pixel p of each
 * sample, z[p, o] = b[o] + sum over the k x k x C_in patch under p of patch · W[o], i.e.
 * z[P x out] = col[P x kkC] · W^T[kkC x out] with W [out x kkC] (stored [out, k, k, in]).
 * From 8 input channels on, the kernels (convForward, convGradWeights, convBackInput) never
 * write col; below that, col is written (im2col) for a cache-sized chunk of samples at a time
 * and the dense products do the rest.
 */
export class ConvLayer implements Layer {
  readonly parameters: Parameter[];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  private readonly geometry: ConvGeometry;
  /** Output pixels per sample, floats per patch, output channels. */
  private readonly pixels: number;
  private readonly patch: number;
  private readonly filters: number;
  private readonly chunkSamples: number;
  /** Whether the kernels work without patch rows (8 or more input channels). */
  private readonly fused: boolean;
  /** Whether the last forward pass left this layer's ReLU to the pool after it. */
  private reluAtPool = false;
  /** W^T [kkC x out], refreshed from the weights by each forward pass. */
  private readonly weightT: Float32Array;
  /** Zeros [kkC]: the "bias" of the input-gradient product. */
  private readonly zeros: Float32Array;
  /** Patch rows of one chunk [chunkSamples * pixels x kkC] (empty when fused). */
  private readonly col: Float32Array;
  /** The fused kernels' working space (convScratchSize). */
  private readonly scratch: Float32Array;
  /** Views of one chunk of samples each, made once so that no batch allocates. */
  private readonly inputChunks: Float32Array[] = [];
  private readonly inputGradChunks: Float32Array[] = [];
  private readonly outputChunks: Float32Array[] = [];
  private readonly outputGradChunks: Float32Array[] = [];

  constructor(
    readonly spec: ConvSpec,
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    const [height, width, channels] = context.inputShape;
    const [outHeight, outWidth] = outputShape;
    this.geometry = {
      height,
      width,
      channels,
      kernel: spec.kernel,
      pad: spec.padding === "same" ? (spec.kernel - 1) / 2 : 0,
      outHeight,
      outWidth,
    };
    this.pixels = outHeight * outWidth;
    this.patch = spec.kernel * spec.kernel * channels;
    this.filters = spec.channels;
    this.parameters = [
      context.parameter("weight", [spec.channels, spec.kernel, spec.kernel, channels]),
      context.parameter("bias", [spec.channels]),
    ];
    const outSize = this.pixels * this.filters;
    this.output = context.rows(outSize);
    this.outputGrad = context.rows(outSize);
    this.weightT = context.take(this.patch * this.filters);
    this.zeros = context.take(this.patch);
    // From enough input channels the kernels work on whole images (no patch rows, one call
    // per batch); otherwise patch rows go through a cache-sized chunk of samples at a time.
    const fused = this.fused = channels >= FUSED_MIN_CHANNELS;
    this.chunkSamples = fused ? context.maxBatch : Math.max(
      1,
      Math.min(context.maxBatch, Math.floor(COLUMN_CHUNK_FLOATS / (this.pixels * this.patch))),
    );
    this.col = context.take(fused ? 0 : this.chunkSamples * this.pixels * this.patch);
    this.scratch = context.take(convScratchSize(this.geometry, this.filters));
    const inSize = height * width * channels;
    for (let s = 0; s < context.maxBatch; s += this.chunkSamples) {
      const n = Math.min(this.chunkSamples, context.maxBatch - s);
      this.inputChunks.push(context.input.subarray(s * inSize, (s + n) * inSize));
      if (context.inputGrad) {
        this.inputGradChunks.push(context.inputGrad.subarray(s * inSize, (s + n) * inSize));
      }
      this.outputChunks.push(this.output.subarray(s * outSize, (s + n) * outSize));
      this.outputGradChunks.push(this.outputGrad.subarray(s * outSize, (s + n) * outSize));
    }
  }

  initialize(rng: Random): void {
    const area = this.spec.kernel * this.spec.kernel;
    initializeWeights(
      this.parameters[0].value,
      rng,
      this.spec.activation,
      this.patch,
      area * this.filters,
    );
    this.parameters[1].value.fill(0);
  }

  forward(batch: number, training: boolean): void {
    const [weight, bias] = this.parameters;
    const { kernels } = this.context;
    transpose(weight.value, this.weightT, this.filters, this.patch);
    for (let c = 0, s = 0; s < batch; c++, s += this.chunkSamples) {
      const samples = Math.min(this.chunkSamples, batch - s);
      // z[P x out] = col[P x kkC] · W^T[kkC x out] + b. From few input channels, writing
      // col is cheaper than convForward's per-tap bookkeeping (measured on the cnn preset).
      if (!this.fused) {
        kernels.im2col(this.inputChunks[c], this.col, samples, this.geometry);
        kernels.forwardDense(
          this.col,
          this.weightT,
          bias.value,
          this.outputChunks[c],
          samples * this.pixels,
          this.patch,
          this.filters,
        );
        continue;
      }
      kernels.convForward(
        this.inputChunks[c],
        this.weightT,
        bias.value,
        this.outputChunks[c],
        samples,
        this.geometry,
        this.filters,
        this.scratch,
      );
    }
    const n = batch * this.pixels * this.filters;
    const activation = this.context.activation;
    this.reluAtPool = training && this.context.reluAtPool;
    if (!activation || this.reluAtPool) return;
    if (activation === "relu") kernels.relu(this.output, n);
    else activateInPlace(activation, this.output, n);
  }

  backward(batch: number): void {
    const [weight, bias] = this.parameters;
    const { kernels } = this.context;
    const rows = batch * this.pixels;
    // delta = dL/da ⊙ f'(z)  [P x out]; db[out] = column sums of delta
    const n = rows * this.filters;
    const activation = this.context.activation;
    // (When the last forward pass left the ReLU to the pool, the pool applied ReLU' already.)
    if (activation === "relu" && !this.reluAtPool) {
      kernels.reluGrad(this.outputGrad, this.output, n);
    } else if (activation && activation !== "relu") {
      multiplyByDerivative(activation, this.outputGrad, this.output, n);
    }
    kernels.sumRows(this.outputGrad, bias.grad, rows, this.filters);
    weight.grad.fill(0);
    for (let c = 0, s = 0; s < batch; c++, s += this.chunkSamples) {
      const samples = Math.min(this.chunkSamples, batch - s);
      const chunkRows = samples * this.pixels;
      // dW[out x kkC] += delta^T[out x P] · col[P x kkC]: delta is mostly zeros after max
      // pooling and ReLU, and the kernels skip them.
      if (this.fused) {
        kernels.convGradWeights(
          this.inputChunks[c],
          this.outputGradChunks[c],
          weight.grad,
          samples,
          this.geometry,
          this.filters,
          this.scratch,
        );
      } else {
        kernels.im2col(this.inputChunks[c], this.col, samples, this.geometry);
        kernels.addGradWeights(
          this.outputGradChunks[c],
          this.col,
          weight.grad,
          chunkRows,
          this.filters,
          this.patch,
        );
      }
      if (this.inputGradChunks.length === 0) continue;
      // dA_prev = col2im(delta[P x out] · W[out x kkC])
      if (this.fused) {
        kernels.convBackInput(
          this.outputGradChunks[c],
          weight.value,
          this.inputGradChunks[c],
          samples,
          this.geometry,
          this.filters,
          this.scratch,
        );
        continue;
      }
      kernels.forwardDense(
        this.outputGradChunks[c],
        weight.value,
        this.zeros,
        this.col,
        chunkRows,
        this.filters,
        this.patch,
      );
      kernels.col2im(this.col, this.inputGradChunks[c], samples, this.geometry);
    }
  }
}

/** to[cols x rows] = from[rows x cols]^T. */
function transpose(from: Float32Array, to: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) to[c * rows + r] = from[row + c];
  }
}

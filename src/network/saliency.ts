/**
 * Saliency: which input pixels made the network say what it said. It is the gradient of the
 * predicted digit's score z_c (its logit, the output layer's value before softmax) with respect
 * to the 784 input pixels, found by backpropagating all the way down to the input (Simonyan et
 * al. 2013, "Deep inside convolutional networks", use the class score for the same reason). A
 * large positive value: more ink there would make that digit more likely; negative: ink there
 * speaks against it.
 *
 * Why the score and not the probability: a sure network's p_c is 1 to float32's precision (the
 * shipped CNN says 1.0000 for most test digits), and then dp_c/dx = p_c (1 - p_c) dz_c/dx - ...
 * is exactly zero everywhere: no picture at all. The score's gradient keeps the shape.
 *
 * The network's backward pass starts from the output delta dL/dz = p - onehot(label); with the
 * probabilities set to zero first, that delta is -e_c, so the pass computes -dz_c/dx.
 *
 * @module
 */
import { createTsKernels, type Kernels } from "./kernels.ts";
import { Network } from "./network.ts";
import { DIGIT_CLASSES } from "./softmax.ts";

/** What the network said about one digit, and which pixels made it say so. */
export interface Saliency {
  /** The digit explained: the predicted one unless another was asked for. */
  digit: number;
  /** Its probability. */
  confidence: number;
  /** z_digit, its score (logit): integrated gradients start from it (`integrateFromScore`). */
  score: number;
  /** [10] softmax probabilities. */
  probabilities: Float32Array;
  /** [inputSize] dz_digit/dx: the gradient of the digit's score (logit) per input pixel. */
  gradient: Float32Array;
}

/**
 * A copy of `network` that can backpropagate to its input (built with `inputGradient`), for
 * saliency; its parameter gradients may be overwritten freely, the original's are untouched.
 * `kernels` default to the TypeScript reference (one WebAssembly kernel set holds one network).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { withInputGradient } from "./saliency.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" });
 * const copy = withInputGradient(network);
 * assert.equal(copy.inputGrad?.length, 784);
 * assert.deepEqual(copy.parameters[0].value, network.parameters[0].value);
 * ```
 */
export function withInputGradient(
  network: Network,
  options: { kernels?: Kernels; maxBatch?: number } = {},
): Network {
  const copy = new Network(
    { inputShape: network.inputShape, layers: network.layers.map((layer) => ({ ...layer })) },
    {
      maxBatch: options.maxBatch ?? 1,
      kernels: options.kernels ?? createTsKernels(),
      inputGradient: true,
      seed: network.seed,
    },
  );
  copy.copyFrom(network);
  return copy;
}

/**
 * The saliency of `pixels` (one digit, [inputSize] values 0..1) for `network`, which must be
 * built with `inputGradient` (see `withInputGradient`): the gradient of the score (logit) of
 * `digit` (default: the likeliest digit) with respect to each pixel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { saliency } from "./saliency.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, {
 *   inputGradient: true,
 * });
 * const result = saliency(network, new Float32Array(784).fill(0.2));
 * assert.equal(result.gradient.length, 784);
 * assert.equal(result.confidence, Math.max(...result.probabilities));
 * ```
 */
export function saliency(network: Network, pixels: Float32Array, digit?: number): Saliency {
  const inputGrad = network.inputGrad;
  if (!inputGrad) {
    throw new RangeError("saliency needs a network built with inputGradient: withInputGradient()");
  }
  const size = network.layerSizes[0];
  network.input.set(pixels.subarray(0, size));
  const output = network.forward(1); // the network's own probability buffer
  const probabilities = output.slice();
  // the likeliest digit: a network's "not a digit" output (the 11th) is not one to explain
  let target = digit ?? 0;
  if (digit === undefined) {
    for (let d = 1; d < Math.min(probabilities.length, DIGIT_CLASSES); d++) {
      if (probabilities[d] > probabilities[target]) target = d;
    }
  }
  const score = network.layerOutputs().at(-1)![target]; // the logits, before softmax
  // backward's output delta is (probabilities - onehot): zeroed probabilities make it -e_target,
  // and the input gradient it computes is then -dz_target/dx.
  output.fill(0);
  network.backward(new Uint8Array([target]));
  const gradient = new Float32Array(size);
  for (let i = 0; i < size; i++) gradient[i] = -inputGrad[i];
  return { digit: target, confidence: probabilities[target], score, probabilities, gradient };
}

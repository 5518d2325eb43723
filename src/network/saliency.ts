/**
 * Saliency: which input pixels made the network say what it said. It is the gradient of the
 * predicted digit's probability with respect to the 784 input pixels, found by backpropagating
 * all the way down to the input (Simonyan et al. 2013, "Deep inside convolutional networks").
 * A large positive value: more ink there would make that digit more likely; negative: ink
 * there speaks against it.
 *
 * The network's own backward pass gives dC/dx for the cross-entropy C = -log p_c of a label c;
 * since dp_c/dx = p_c · d(log p_c)/dx = -p_c · dC/dx, one backward pass with the predicted
 * digit as the label gives the saliency.
 *
 * @module
 */
import { createTsKernels, type Kernels } from "./kernels.ts";
import { Network } from "./network.ts";

/** What the network said about one digit, and which pixels made it say so. */
export interface Saliency {
  /** The digit explained: the predicted one unless another was asked for. */
  digit: number;
  /** Its probability. */
  confidence: number;
  /** [10] softmax probabilities. */
  probabilities: Float32Array;
  /** [inputSize] dp_digit/dx: the gradient of the digit's probability per input pixel. */
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
 * built with `inputGradient` (see `withInputGradient`): the gradient of the probability of
 * `digit` (default: the predicted one) with respect to each pixel.
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
  const probabilities = network.forward(1).slice();
  let target = digit ?? 0;
  if (digit === undefined) {
    for (let d = 1; d < probabilities.length; d++) {
      if (probabilities[d] > probabilities[target]) target = d;
    }
  }
  // dC/dx for C = -log p_target, then dp/dx = -p · dC/dx
  network.backward(new Uint8Array([target]));
  const p = probabilities[target];
  const gradient = new Float32Array(size);
  for (let i = 0; i < size; i++) gradient[i] = -p * inputGrad[i];
  return { digit: target, confidence: p, probabilities, gradient };
}

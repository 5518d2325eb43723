/** Hidden-layer activation functions. The output layer is always softmax. */
export type Activation = "relu" | "sigmoid" | "tanh";

/** All supported hidden activations, for validation and help texts. */
export const ACTIVATIONS: readonly Activation[] = ["relu", "sigmoid", "tanh"];

/** Applies the activation in place to the first `n` values: a = f(z). */
export function activateInPlace(kind: Activation, values: Float32Array, n: number): void {
  if (kind === "relu") {
    for (let k = 0; k < n; k++) if (values[k] < 0) values[k] = 0;
  } else if (kind === "sigmoid") {
    for (let k = 0; k < n; k++) values[k] = 1 / (1 + Math.exp(-values[k]));
  } else {
    for (let k = 0; k < n; k++) values[k] = Math.tanh(values[k]);
  }
}

/**
 * Multiplies the gradient `delta` (dL/da) in place by f'(z), written in terms of the activation
 * output a = f(z) so the pre-activations need not be kept: relu' = [a > 0], sigmoid' = a(1 - a),
 * tanh' = 1 - a^2. The result is dL/dz.
 */
export function multiplyByDerivative(
  kind: Activation,
  delta: Float32Array,
  activated: Float32Array,
  n: number,
): void {
  if (kind === "relu") {
    for (let k = 0; k < n; k++) if (activated[k] <= 0) delta[k] = 0;
  } else if (kind === "sigmoid") {
    for (let k = 0; k < n; k++) {
      const a = activated[k];
      delta[k] *= a * (1 - a);
    }
  } else {
    for (let k = 0; k < n; k++) {
      const a = activated[k];
      delta[k] *= 1 - a * a;
    }
  }
}

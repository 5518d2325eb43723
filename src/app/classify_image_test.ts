import assert from "node:assert/strict";
import { encode } from "fast-png";
import { listImages } from "../image/image_files.ts";
import { Network } from "../network/network.ts";
import { classifyImage, refuses } from "./classify_image.ts";
import { loadNetworkModel } from "../train/checkpoint.ts";
import { SHARED_DIR, SHIPPED_MODEL, skipUnless } from "../../tests/env.ts";

// Real people's digits (photos and drawings from public repositories), kept outside the
// project in ../shared; see its README. CI has it beside the MNIST files.
const REAL_DIGITS = `${SHARED_DIR}/real_digits`;
const ignore = skipUnless(import.meta, "shared/real_digits");
const randomNetwork = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });

Deno.test({
  name: "real handwritten digits: the shipped model reads them as their labels say",
  ignore,
  fn: async () => {
    const { network } = await loadNetworkModel(SHIPPED_MODEL, { maxBatch: 1 });
    // One project's ten 28x28 JPEGs, which its author's own network read 10 of 10.
    for (const file of await listImages(`${REAL_DIGITS}/seed000`)) {
      const result = await classifyImage(file, network);
      assert.equal(result.error, undefined, file);
      assert.equal(result.prediction?.digit, result.label, file);
    }
    // All 225 images of 18 people: phone photos and drawings at sizes up to 1280x1280.
    const files = (await listImages(REAL_DIGITS)).filter((f) => !f.includes("/seed000/"));
    let right = 0;
    for (const file of files) {
      const result = await classifyImage(file, network);
      assert.ok(result.label !== undefined, file);
      if (result.prediction?.digit === result.label) right++;
    }
    assert.ok(right / files.length >= 0.93, `${right} of ${files.length} right`);
  },
});

Deno.test({
  name: "a file and its bytes give the same guess and the 28x28 the network saw",
  ignore,
  fn: async () => {
    const [file] = await listImages(`${REAL_DIGITS}/seed000`);
    const fromFile = await classifyImage(file, randomNetwork);
    const bytes = await Deno.readFile(file);
    const fromBytes = await classifyImage({ bytes, name: file }, randomNetwork);
    assert.ok(fromFile.prediction && fromBytes.prediction);
    assert.deepEqual(fromBytes.prediction.probabilities, fromFile.prediction.probabilities);
    assert.deepEqual(fromBytes.normalized, fromFile.normalized);
    assert.equal(fromFile.normalized?.length, 784);
    assert.ok(fromFile.normalized!.some((v) => v > 0.9), "ink reaches the network");
    assert.deepEqual([fromFile.image?.width, fromFile.image?.height], [28, 28]);
  },
});

Deno.test("a blank page, a text file and a missing file come back as one-line reasons", async () => {
  const dir = await Deno.makeTempDir({ prefix: "classify-image-" });
  try {
    const white = new Uint8Array(60 * 60).fill(255);
    const blankPng = encode({ width: 60, height: 60, data: white, channels: 1, depth: 8 });
    await Deno.writeFile(`${dir}/blank_label4.png`, blankPng);
    const blank = await classifyImage(`${dir}/blank_label4.png`, randomNetwork);
    assert.equal(blank.error, "no digit found");
    assert.equal(blank.prediction, undefined);
    assert.equal(blank.label, 4);
    assert.equal(blank.image?.width, 60, "the image is still there to show");
    await Deno.writeTextFile(`${dir}/notes.png`, "not an image");
    const notes = await classifyImage(`${dir}/notes.png`, randomNetwork);
    assert.match(notes.error ?? "", /^not a PNG or JPEG image/);
    assert.equal(notes.image, undefined);
    const missing = await classifyImage(`${dir}/nope.png`, randomNetwork);
    assert.equal(missing.error, "no such file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "an abort while the file is read skips normalizing and classifying",
  ignore,
  fn: async () => {
    const [file] = await listImages(`${REAL_DIGITS}/seed000`);
    const abort = new AbortController();
    const pending = classifyImage(file, randomNetwork, { signal: abort.signal });
    abort.abort(new Error("stepped past"));
    await assert.rejects(pending, /stepped past/);
  },
});

Deno.test("an eleven-output model read in two parts refuses on 1 - p(not a digit), an older one on its top digit", () => {
  const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 1 });
  const guess = (confidence: number, notADigit: number) => ({
    probabilities: new Float32Array(10),
    notADigit,
    digit: 4,
    confidence,
    runnerUp: 9,
  });
  const sureButNoDigit = guess(0.99, 0.7);
  const unsureDigit = guess(0.2, 0.1);
  network.readout = { temperature: 1, refuseBelow: 0.5, refusalScore: "digitShare" };
  assert.equal(refuses(network, sureButNoDigit), true);
  assert.equal(refuses(network, unsureDigit), false);
  network.readout = { temperature: 1, refuseBelow: 0.5 };
  assert.equal(refuses(network, sureButNoDigit), false);
  assert.equal(refuses(network, unsureDigit), true);
});

/**
 * Issue 20's proof that the ONNX export is the same model: `export --format onnx` (the real
 * command) writes each shipped model, ONNX Runtime (onnxruntime-node, its CPU build) runs the
 * file on the 10,000 MNIST test digits and on not-a-digit images, and every answer is the app's
 * for the same normalized image (`classifyUserDigits`: a CNN's four-view average, for a model
 * read in two parts only of p(not a digit), a dense network's one reading): every prediction
 * equal, every probability within 1e-4, and `not_a_digit` equal to the app's refusal
 * (`refuses`). Where Debian's python3-onnx is installed, ONNX's own checker (full_check: with
 * shape inference) passes the files too.
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { refuses } from "../src/app/classify_image.ts";
import { classifyUserDigits } from "../src/app/predict.ts";
import { readIdxDataset } from "../src/data/mod.ts";
import { makeNegatives } from "../src/negatives/mod.ts";
import { selectKernels } from "../src/network/select_kernels.ts";
import { loadNetworkModel, saveNetworkModel } from "../src/train/checkpoint.ts";
import { readsDigitShare, refusalThreshold } from "../src/train/refusal_rule.ts";
import { readUserDigits } from "../src/train/views.ts";
import { defaultOptimizerSettings, Network, parseLayerSpec, Random } from "../src/network/mod.ts";
import { exportOnnx } from "../src/export/onnx.ts";
import { MNIST_DIR, PROJECT_ROOT, skipUnless } from "./env.ts";
import { assertOneLineError, runApp } from "./run_app.ts";
import { ringPng } from "./fixtures/ring_png.ts";

const MODELS = ["pretrained.safetensors", "pretrained_mlp.safetensors"];
const TEST_IMAGES = `${MNIST_DIR}/t10k-images-idx3-ubyte`;
const TEST_LABELS = `${MNIST_DIR}/t10k-labels-idx1-ubyte`;
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const BATCH = 500;

/**
 * Images that are not digits, as the normalizer hands them to the network (drawn shapes,
 * textures, icons, letters, doodles: unseen, another seed than training's), and a blank
 * field and plain noise: inputs the app refuses, so that `not_a_digit` is tested both ways.
 */
async function notDigits(): Promise<Float32Array[]> {
  const set = await makeNegatives(150, {
    seed: 20,
    kinds: ["shapes", "textures", "icons", "letters", "doodles"],
  });
  const images = Array.from(
    { length: set.count },
    (_, i) => set.pixels.slice(i * 784, (i + 1) * 784),
  );
  const rng = new Random(20);
  const noise = Float32Array.from({ length: 784 }, () => rng.next());
  const faint = new Float32Array(784).fill(0.05);
  return [...images, new Float32Array(784), faint, noise];
}

/** How the ONNX file's answers compare with the app's, over some images. */
interface Agreement {
  images: number;
  sameDigit: number;
  largestDifference: number;
  /** The app refuses (`refuses`), and the file's `not_a_digit`. */
  refusedOurs: number;
  refusedTheirs: number;
  /** Images where the two refusals differ; of those, how many sit within 1e-5 of the threshold. */
  refusalMismatches: number;
  nearThreshold: number;
  /** The app's digit for each image. */
  digits: number[];
}

/** Runs `images` through the app's reading of a normalized digit and through `session`. */
async function compare(
  session: ort.InferenceSession,
  network: Network,
  images: Float32Array[],
): Promise<Agreement> {
  const agreement: Agreement = {
    images: images.length,
    sameDigit: 0,
    largestDifference: 0,
    refusedOurs: 0,
    refusedTheirs: 0,
    refusalMismatches: 0,
    nearThreshold: 0,
    digits: [],
  };
  const refuseBelow = refusalThreshold(network);
  for (let first = 0; first < images.length; first += BATCH) {
    const chunk = images.slice(first, first + BATCH);
    const ours = classifyUserDigits(network, chunk);
    const pixels = new Float32Array(chunk.length * 784);
    chunk.forEach((image, s) => pixels.set(image, s * 784));
    const outputs = await session.run({
      image: new ort.Tensor("float32", pixels, [chunk.length, 1, 28, 28]),
    });
    const theirs = outputs.probabilities.data as Float32Array;
    assert.deepEqual(outputs.probabilities.dims, [chunk.length, 10]);
    ours.forEach((prediction, s) => {
      agreement.digits.push(prediction.digit);
      if (prediction.digit === argmax(theirs, s * 10)) agreement.sameDigit++;
      for (let d = 0; d < 10; d++) {
        const difference = Math.abs(prediction.probabilities[d] - theirs[s * 10 + d]);
        agreement.largestDifference = Math.max(agreement.largestDifference, difference);
      }
      if (refuseBelow === null) return;
      const refusedOurs = refuses(network, prediction);
      const refusedTheirs = (outputs.not_a_digit.data as Uint8Array)[s] === 1;
      if (refusedOurs) agreement.refusedOurs++;
      if (refusedTheirs) agreement.refusedTheirs++;
      if (refusedOurs === refusedTheirs) return;
      agreement.refusalMismatches++;
      // The score the threshold is compared with (refuses): 1 - p(not a digit) in two parts.
      const score = readsDigitShare(network)
        ? 1 - (prediction.notADigit ?? 0)
        : prediction.confidence;
      if (Math.abs(score - refuseBelow) < 1e-5) agreement.nearThreshold++;
    });
  }
  return agreement;
}

/**
 * Exports `model` with the real command, runs the file in ONNX Runtime on the 10,000 test
 * digits (the first `digits` of them if given) and on `notDigits()`, and checks every answer
 * against the app's for the same image (with the file's calibration).
 */
async function assertOnnxAgrees(model: string, label: string, digits = 10_000): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const onnxPath = `${dir}/model.onnx`;
    const run = await runApp([
      "export",
      "--format",
      "onnx",
      "--model",
      model,
      "--out",
      onnxPath,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^wrote .*model\.onnx \([\d,]+ bytes, ONNX opset 13\)/);

    const test = await readIdxDataset(
      await exists(TEST_IMAGES) ? TEST_IMAGES : `${TEST_IMAGES}.gz`,
      await exists(TEST_LABELS) ? TEST_LABELS : `${TEST_LABELS}.gz`,
    );
    const count = Math.min(digits, test.count);
    const testDigits = Array.from(
      { length: count },
      (_, s) => Float32Array.from(test.pixels.subarray(s * 784, (s + 1) * 784), (v) => v / 255),
    );
    const { network } = await loadNetworkModel(model, {
      maxBatch: BATCH,
      kernels: selectKernels(),
    });
    const session = await ort.InferenceSession.create(onnxPath);
    assert.deepEqual(session.inputNames, ["image"]);
    // The file's calibration goes into the export: softmax(logits / T), and its refusal.
    const { temperature } = network.readout;
    const refuseBelow = refusalThreshold(network);
    assert.deepEqual(
      session.outputNames,
      refuseBelow === null ? ["probabilities"] : ["probabilities", "not_a_digit"],
    );
    const onDigits = await compare(session, network, testDigits);
    const onOthers = await compare(session, network, await notDigits());
    const right = onDigits.digits.filter((digit, s) => digit === test.labels[s]).length;
    const refusals = (a: Agreement) =>
      `${a.refusedTheirs} not_a_digit (the app refuses ${a.refusedOurs}), ` +
      `${a.refusalMismatches} differ (${a.nearThreshold} within 1e-5 of the threshold)`;
    console.log(
      `${label}: ${onDigits.sameDigit}/${count} predictions equal, largest probability ` +
        `difference ${onDigits.largestDifference.toExponential(2)}, ${right} right` +
        (temperature === 1 ? "" : `, temperature ${temperature}`) +
        (refuseBelow === null ? "" : `, ${refusals(onDigits)}`) +
        `; ${onOthers.images} not-digit images: ${onOthers.sameDigit} predictions equal, ` +
        `largest difference ${onOthers.largestDifference.toExponential(2)}` +
        (refuseBelow === null ? "" : `, ${refusals(onOthers)}`),
    );
    for (const agreement of [onDigits, onOthers]) {
      assert.equal(agreement.sameDigit, agreement.images);
      assert.ok(
        agreement.largestDifference <= 1e-4,
        `largest difference ${agreement.largestDifference}`,
      );
      // The refusal agrees, except where float rounding decides (the top at the threshold).
      assert.equal(agreement.refusalMismatches - agreement.nearThreshold, 0);
    }
    if (refuseBelow !== null) {
      // Both answers occur on the images that are not digits.
      assert.ok(onOthers.refusedTheirs > 0 && onOthers.refusedTheirs < onOthers.images);
    }
    assert.ok(right >= 0.97 * count, "the model itself is the trained one");
    await session.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const file of MODELS) {
  Deno.test({
    name: `ONNX Runtime agrees with ${file} on the 10,000 MNIST test digits`,
    ignore: skipUnless(import.meta, "mnist"),
    fn: () => assertOnnxAgrees(`${PROJECT_ROOT}/models/${file}`, file),
  });
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `file` saved in `dir` with `calibration` (a model file's, as `train` stores one). */
async function recalibrated(
  dir: string,
  file: string,
  calibration: { temperature: number; refuseBelow: number | null; asIsWeight?: number },
): Promise<string> {
  const model = `${dir}/calibrated_${file}`;
  const loaded = await loadNetworkModel(`${PROJECT_ROOT}/models/${file}`, { maxBatch: 1 });
  const record = {
    heldOutDigits: 0,
    eceBefore: 0,
    ece: 0,
    heldOutNegatives: 0,
    digitsRefused: 0,
    negativesRefused: 0,
    ...calibration,
  };
  await saveNetworkModel(model, { ...loaded, info: { ...loaded.info, calibration: record } });
  return model;
}

Deno.test({
  name: "a calibrated model that refuses exports its temperature and not_a_digit, and agrees",
  ignore: skipUnless(import.meta, "mnist"),
  fn: () =>
    inTempDir(async (dir) => {
      // The dense model with a calibration (values chosen, not fitted): one reading, whatever
      // the as-is weight says (it weighs a CNN's views).
      const model = await recalibrated(dir, MODELS[1], {
        temperature: 1.6,
        refuseBelow: 0.8,
        asIsWeight: 2,
      });
      await assertOnnxAgrees(model, "calibrated dense");
    }),
});

Deno.test({
  name: "a CNN calibrated with the digit counted twice among its views exports that average",
  ignore: skipUnless(import.meta, "mnist"),
  fn: () =>
    inTempDir(async (dir) => {
      // The shipped CNN's weights, temperature and threshold with asIsWeight 2 but without
      // `refusalScore`: an eleven-output file read the older way (the best digit's share of
      // all eleven); the first 2,000 test digits (the view average costs four passes).
      const { network } = await loadNetworkModel(`${PROJECT_ROOT}/models/${MODELS[0]}`, {
        maxBatch: 1,
      });
      const { temperature, refuseBelow } = network.readout;
      assert.ok(refuseBelow !== null);
      const model = await recalibrated(dir, MODELS[0], { temperature, refuseBelow, asIsWeight: 2 });
      await assertOnnxAgrees(model, "CNN, asIsWeight 2", 2_000);
    }),
});

Deno.test({
  name: "a CNN file without a learned threshold exports the app's older 45% refusal",
  ignore: skipUnless(import.meta, "mnist"),
  fn: () =>
    inTempDir(async (dir) => {
      // The shipped CNN as files were calibrated before the refusal was learned: a temperature
      // and no threshold. The app refuses such a CNN's digits under 45% (refusal_rule.ts).
      const { network } = await loadNetworkModel(`${PROJECT_ROOT}/models/${MODELS[0]}`, {
        maxBatch: 1,
      });
      const model = await recalibrated(dir, MODELS[0], {
        temperature: network.readout.temperature,
        refuseBelow: null,
      });
      await assertOnnxAgrees(model, "CNN without a threshold", 2_000);
    }),
});

Deno.test({
  name: "ONNX's checker passes both exports",
  ignore: skipUnless(import.meta, "python3:onnx"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const paths = [];
      for (const file of MODELS) {
        const out = `${dir}/${file.replace(".safetensors", ".onnx")}`;
        const run = await runApp([
          "export",
          "--model",
          `${PROJECT_ROOT}/models/${file}`,
          "--out",
          out,
        ]);
        assert.equal(run.code, 0, run.stderr);
        paths.push(out);
      }
      const script = "import onnx, sys\n" +
        "for path in sys.argv[1:]:\n" +
        "    model = onnx.load(path)\n" +
        "    onnx.checker.check_model(model, full_check=True)\n" +
        "    keys = {p.key for p in model.metadata_props}\n" +
        "    assert {'architecture', 'source', 'test_accuracy'} <= keys, keys\n" +
        "    print('ok', model.opset_import[0].version, ','.join(sorted(keys)))\n";
      const checked = await new Deno.Command("/usr/bin/python3", {
        args: ["-c", script, ...paths],
      }).output();
      const stderr = new TextDecoder().decode(checked.stderr);
      assert.equal(checked.code, 0, stderr);
      const lines = new TextDecoder().decode(checked.stdout).trim().split("\n");
      assert.deepEqual(lines.map((line) => line.split(" ").slice(0, 2).join(" ")), [
        "ok 13",
        "ok 13",
      ]);
      // The CNN's file says how it reads a digit (its views and the as-is weight); the dense
      // one reads the image as it is.
      const keys = lines.map((line) => line.split(" ")[2].split(","));
      assert.ok(keys[0].includes("views") && keys[0].includes("as_is_weight"), `${keys[0]}`);
      assert.ok(!keys[1].includes("views"), `${keys[1]}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("export refuses what it cannot do in one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = `${PROJECT_ROOT}/models/${MODELS[1]}`;
    const format = await runApp(["export", "--format", "tflite", "--model", model]);
    assert.equal(format.code, 2);
    assertOneLineError(format, /'tflite' is invalid\. Allowed choices are onnx/);
    assertOneLineError(
      await runApp(["export", "--model", `${dir}/none.safetensors`]),
      /^error: no model file at .*none\.safetensors; train one with/,
    );
    assertOneLineError(
      await runApp(["export", "--model", model, "--out", dir]),
      /^error: .*: is a folder, expected a file path$/,
    );
    assertOneLineError(
      await runApp(["export", "--model", model, "--out", model]),
      /^error: --out .* is the model file itself$/,
    );
    // Nothing was written beside the refusals.
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The export of the shipped model and a PNG of a 0, in a temp folder, for `use`. */
async function withExportAndPng(use: (onnx: string, png: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    const onnx = `${dir}/digits.onnx`;
    const run = await runApp([
      "export",
      "--model",
      `${PROJECT_ROOT}/models/${MODELS[0]}`,
      "--out",
      onnx,
    ]);
    assert.equal(run.code, 0, run.stderr);
    await Deno.writeFile(`${dir}/zero.png`, ringPng());
    await use(onnx, `${dir}/zero.png`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("examples/onnx_classify.mjs (the README's JavaScript) reads a PNG with the export", async () => {
  await withExportAndPng(async (onnx, png) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--config",
        `${PROJECT_ROOT}/deno.json`,
        "--allow-read",
        "--allow-env",
        "--allow-ffi",
        `${PROJECT_ROOT}/examples/onnx_classify.mjs`,
        onnx,
        png,
      ],
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.match(text, /zero\.png: 0 \(\d+\.\d% sure\)\n$/);
  });
});

// examples/onnx_classify.py (the README's Python) is not run here: Python's onnxruntime comes
// only from PyPI, which this project's machines cannot reach (nor Debian's packages). Its
// preprocessing is the JS example's, which the test above runs.

function argmax(values: Float32Array, offset: number): number {
  let best = 0;
  for (let d = 1; d < 10; d++) if (values[offset + d] > values[offset + best]) best = d;
  return best;
}

Deno.test("ONNX Runtime agrees with a network with standardize and batch norm (folded on export)", async () => {
  const network = new Network(
    parseLayerSpec("standardize,conv3x8v,bn,pool,conv3x8,bn,pool,dense16,bn"),
    {
      seed: 2,
      maxBatch: 32,
    },
  );
  const rng = new Random(3);
  const labels = new Uint8Array(32);
  // A few training steps, so that the running statistics and scales are not their start values.
  for (let step = 0; step < 20; step++) {
    for (let i = 0; i < 32 * 784; i++) network.input[i] = rng.next() < 0.2 ? rng.next() : 0;
    for (let b = 0; b < 32; b++) labels[b] = rng.int(10);
    network.trainBatch(labels, 32, defaultOptimizerSettings("adam"), 0.01);
  }
  for (let i = 0; i < 32 * 784; i++) network.input[i] = rng.next() < 0.2 ? rng.next() : 0;
  const pixels = network.input.slice(0, 32 * 784);
  // The CNN's view average, as the app reads a digit and the export computes it.
  const ours = readUserDigits(
    network,
    Array.from({ length: 32 }, (_, s) => pixels.subarray(s * 784, (s + 1) * 784)),
  );
  const session = await ort.InferenceSession.create(exportOnnx(network, { version: "0.0.0" }));
  const input = new ort.Tensor("float32", pixels, [32, 1, 28, 28]);
  const theirs = (await session.run({ image: input })).probabilities.data as Float32Array;
  let largest = 0;
  ours.forEach((row, s) => {
    for (let d = 0; d < 10; d++) largest = Math.max(largest, Math.abs(row[d] - theirs[s * 10 + d]));
  });
  assert.ok(largest <= 1e-5, `largest difference ${largest}`);
  assert.notDeepEqual(ours[0], ours[1]);
  await session.release();
});

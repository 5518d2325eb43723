/**
 * Issue 20's proof that the ONNX export is the same model: `export --format onnx` (the real
 * command) writes each shipped model, ONNX Runtime (onnxruntime-node, its CPU build) runs the
 * file on the 10,000 MNIST test digits, and every prediction equals ours with every
 * probability within 1e-4. Where Debian's python3-onnx is installed, ONNX's own checker
 * (full_check: with shape inference) passes the files too.
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { readIdxDataset } from "../src/data/mod.ts";
import { selectKernels } from "../src/network/select_kernels.ts";
import { loadNetworkModel, saveNetworkModel } from "../src/train/checkpoint.ts";
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
 * Exports `model` with the real command, runs the file in ONNX Runtime on the 10,000 test
 * digits and checks every answer against our network's (with the file's calibration).
 */
async function assertOnnxAgrees(model: string, label: string): Promise<void> {
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
    const { network } = await loadNetworkModel(model, {
      maxBatch: BATCH,
      kernels: selectKernels(),
    });
    const session = await ort.InferenceSession.create(onnxPath);
    assert.deepEqual(session.inputNames, ["image"]);
    // The file's calibration goes into the export: softmax(logits / T), and its refusal.
    const { temperature, refuseBelow } = network.readout;
    assert.deepEqual(
      session.outputNames,
      refuseBelow === null ? ["probabilities"] : ["probabilities", "not_a_digit"],
    );
    let sameDigit = 0;
    let sameRefusal = 0;
    let maxDifference = 0;
    let right = 0;
    const pixels = new Float32Array(BATCH * 784);
    for (let first = 0; first < test.count; first += BATCH) {
      const n = Math.min(BATCH, test.count - first);
      for (let i = 0; i < n * 784; i++) pixels[i] = test.pixels[first * 784 + i] / 255;
      network.input.set(pixels.subarray(0, n * 784));
      const ours = withTemperature(network.forward(n), temperature);
      const input = new ort.Tensor("float32", pixels.slice(0, n * 784), [n, 1, 28, 28]);
      const outputs = await session.run({ image: input });
      const theirs = outputs.probabilities.data as Float32Array;
      assert.equal(theirs.length, n * 10);
      for (let s = 0; s < n; s++) {
        const digitOurs = argmax(ours, s * 10);
        if (digitOurs === argmax(theirs, s * 10)) sameDigit++;
        if (digitOurs === test.labels[first + s]) right++;
        let top = 0;
        for (let d = 0; d < 10; d++) {
          const difference = Math.abs(ours[s * 10 + d] - theirs[s * 10 + d]);
          if (difference > maxDifference) maxDifference = difference;
          top = Math.max(top, ours[s * 10 + d]);
        }
        if (refuseBelow === null) continue;
        // The refusal agrees, except where float rounding decides (top at the threshold).
        const refused = (outputs.not_a_digit.data as Uint8Array)[s] === 1;
        if (refused === top < refuseBelow || Math.abs(top - refuseBelow) < 1e-5) sameRefusal++;
      }
    }
    console.log(
      `${label}: ${sameDigit}/${test.count} predictions equal, largest probability ` +
        `difference ${maxDifference.toExponential(2)}, ${right} right` +
        (temperature === 1 ? "" : `, temperature ${temperature}`) +
        (refuseBelow === null ? "" : `, not_a_digit agrees on ${sameRefusal}`),
    );
    assert.equal(sameDigit, test.count);
    if (refuseBelow !== null) assert.equal(sameRefusal, test.count);
    assert.ok(maxDifference <= 1e-4, `largest difference ${maxDifference}`);
    assert.ok(right >= 0.97 * test.count, "the model itself is the trained one");
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

Deno.test({
  name: "a calibrated model that refuses exports its temperature and not_a_digit, and agrees",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      // The dense model with a calibration as `train` stores one (values chosen, not fitted).
      const model = `${dir}/calibrated.safetensors`;
      const loaded = await loadNetworkModel(`${PROJECT_ROOT}/models/${MODELS[1]}`, { maxBatch: 1 });
      const calibration = {
        temperature: 1.6,
        heldOutDigits: 0,
        eceBefore: 0,
        ece: 0,
        refuseBelow: 0.8,
        heldOutNegatives: 0,
        digitsRefused: 0,
        negativesRefused: 0,
      };
      await saveNetworkModel(model, { ...loaded, info: { ...loaded.info, calibration } });
      await assertOnnxAgrees(model, "calibrated.safetensors");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
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
        "    print('ok', model.opset_import[0].version, path)\n";
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

/** softmax(z / T) from softmax(z), row by row: proportional to p^(1/T) (the sum cancels). */
function withTemperature(probabilities: Float32Array, temperature: number): Float32Array {
  if (temperature === 1) return probabilities;
  const out = new Float32Array(probabilities.length);
  for (let row = 0; row < probabilities.length; row += 10) {
    let sum = 0;
    for (let d = 0; d < 10; d++) sum += out[row + d] = probabilities[row + d] ** (1 / temperature);
    for (let d = 0; d < 10; d++) out[row + d] /= sum;
  }
  return out;
}

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
  const ours = network.forward(32).slice();
  const session = await ort.InferenceSession.create(exportOnnx(network, { version: "0.0.0" }));
  const input = new ort.Tensor("float32", pixels, [32, 1, 28, 28]);
  const theirs = (await session.run({ image: input })).probabilities.data as Float32Array;
  let largest = 0;
  for (let i = 0; i < ours.length; i++) largest = Math.max(largest, Math.abs(ours[i] - theirs[i]));
  assert.ok(largest <= 1e-5, `largest difference ${largest}`);
  assert.notDeepEqual(ours.subarray(0, 10), ours.subarray(10, 20));
  await session.release();
});

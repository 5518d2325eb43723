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
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { MNIST_DIR, PROJECT_ROOT, skipUnless } from "./env.ts";
import { runApp } from "./run_app.ts";

const MODELS = ["pretrained.safetensors", "pretrained_mlp.safetensors"];
const TEST_IMAGES = `${MNIST_DIR}/t10k-images-idx3-ubyte`;
const TEST_LABELS = `${MNIST_DIR}/t10k-labels-idx1-ubyte`;
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

const BATCH = 500;

for (const file of MODELS) {
  Deno.test({
    name: `ONNX Runtime agrees with ${file} on the 10,000 MNIST test digits`,
    ignore: skipUnless(import.meta, "mnist"),
    fn: async () => {
      const dir = await Deno.makeTempDir();
      try {
        const onnxPath = `${dir}/model.onnx`;
        const model = `${PROJECT_ROOT}/models/${file}`;
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
        assert.deepEqual(session.outputNames, ["probabilities"]);
        let sameDigit = 0;
        let maxDifference = 0;
        let right = 0;
        const pixels = new Float32Array(BATCH * 784);
        for (let first = 0; first < test.count; first += BATCH) {
          const n = Math.min(BATCH, test.count - first);
          for (let i = 0; i < n * 784; i++) pixels[i] = test.pixels[first * 784 + i] / 255;
          network.input.set(pixels.subarray(0, n * 784));
          const ours = network.forward(n);
          const input = new ort.Tensor("float32", pixels.slice(0, n * 784), [n, 1, 28, 28]);
          const theirs = (await session.run({ image: input })).probabilities.data as Float32Array;
          assert.equal(theirs.length, n * 10);
          for (let s = 0; s < n; s++) {
            const digitOurs = argmax(ours, s * 10);
            if (digitOurs === argmax(theirs, s * 10)) sameDigit++;
            if (digitOurs === test.labels[first + s]) right++;
            for (let d = 0; d < 10; d++) {
              const difference = Math.abs(ours[s * 10 + d] - theirs[s * 10 + d]);
              if (difference > maxDifference) maxDifference = difference;
            }
          }
        }
        console.log(
          `${file}: ${sameDigit}/${test.count} predictions equal, largest probability ` +
            `difference ${maxDifference.toExponential(2)}, ${right} right`,
        );
        assert.equal(sameDigit, test.count);
        assert.ok(maxDifference <= 1e-4, `largest difference ${maxDifference}`);
        assert.ok(right >= 0.97 * test.count, "the model itself is the trained one");
        await session.release();
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "ONNX's checker passes both exports",
  ignore: skipUnless(import.meta, "python3-onnx"),
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

function argmax(values: Float32Array, offset: number): number {
  let best = 0;
  for (let d = 1; d < 10; d++) if (values[offset + d] > values[offset + best]) best = d;
  return best;
}

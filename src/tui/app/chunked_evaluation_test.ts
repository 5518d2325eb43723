import assert from "node:assert/strict";
import { Network } from "../../network/mod.ts";
import { evaluateNetwork } from "../../train/evaluate.ts";
import { evaluateInChunks } from "./chunked_evaluation.ts";

const count = 1234;
const pixels = new Uint8Array(count * 784).map((_, i) => (i * 7919) % 256);
const labels = new Uint8Array(count).map((_, i) => i % 10);
const dataset = { pixels, labels, count };

Deno.test("evaluateInChunks: the same result as one evaluateNetwork call, with progress", async () => {
  const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, {
    seed: 3,
    maxBatch: 100,
  });
  const whole = evaluateNetwork(network, dataset);
  const progress: number[] = [];
  const chunked = await evaluateInChunks(network, dataset, {
    chunk: 500,
    onProgress: (done) => progress.push(done),
  });
  assert.ok(chunked);
  assert.deepEqual(progress, [500, 1000, 1234]);
  assert.equal(chunked.correct, whole.correct);
  assert.deepEqual(chunked.confusion, whole.confusion);
  assert.deepEqual(chunked.predictions, whole.predictions);
  assert.ok(Math.abs(chunked.loss - whole.loss) < 1e-5);
});

Deno.test("evaluateInChunks: stops early when asked", async () => {
  const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, {
    seed: 3,
    maxBatch: 100,
  });
  let chunks = 0;
  const result = await evaluateInChunks(network, dataset, {
    chunk: 200,
    onProgress: () => chunks++,
    shouldStop: () => chunks >= 2,
  });
  assert.equal(result, undefined);
  assert.equal(chunks, 2);
});

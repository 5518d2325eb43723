import assert from "node:assert/strict";
import { Network } from "../network/mod.ts";
import { evaluateNetwork } from "../train/evaluate.ts";
import { evaluateInChunks } from "./chunked_evaluation.ts";

const count = 1234;
const pixels = new Uint8Array(count * 784).map((_, i) => (i * 7919) % 256);
const labels = new Uint8Array(count).map((_, i) => i % 10);
const dataset = { pixels, labels, count };
const network = () =>
  new Network({ layerSizes: [784, 8, 10], activation: "relu" }, { seed: 3, maxBatch: 100 });

Deno.test("evaluateInChunks: the same result as one evaluateNetwork call, with progress", async () => {
  const whole = evaluateNetwork(network(), dataset);
  const progress: number[] = [];
  const chunked = await evaluateInChunks(network(), dataset, {
    chunk: 500,
    send: ({ done, total }) => {
      assert.equal(total, count);
      progress.push(done);
    },
  });
  assert.ok(chunked);
  assert.deepEqual(progress, [500, 1000, 1234]);
  assert.equal(chunked.correct, whole.correct);
  assert.deepEqual(chunked.confusion, whole.confusion);
  assert.deepEqual(chunked.predictions, whole.predictions);
  assert.ok(Math.abs(chunked.loss - whole.loss) < 1e-5);
});

Deno.test("evaluateInChunks: a limit evaluates only the first digits", async () => {
  const chunked = await evaluateInChunks(network(), dataset, { limit: 250, chunk: 100 });
  assert.equal(chunked?.total, 250);
  assert.deepEqual(chunked?.predictions, evaluateNetwork(network(), dataset, 250).predictions);
});

Deno.test("evaluateInChunks: stops after the chunk in which the signal aborts", async () => {
  const abort = new AbortController();
  const progress: number[] = [];
  const result = await evaluateInChunks(network(), dataset, {
    chunk: 200,
    signal: abort.signal,
    send: ({ done }) => {
      progress.push(done);
      if (progress.length === 2) abort.abort();
    },
  });
  assert.equal(result, undefined);
  assert.deepEqual(progress, [200, 400]);
});

import assert from "node:assert/strict";
import type { Dataset } from "../data/dataset.ts";
import { Random } from "../network/mod.ts";
import { fillBatch } from "./batch.ts";
import { epochOrder } from "./order.ts";
import { IDENTITY_AUGMENT } from "../augment/augment.ts";
import { AugmentedBatchMaker } from "./augmented_batches.ts";
import { type AugmentPipeline, openAugmentPipeline } from "./pipeline.ts";

/** 300 sparse random "digits" (about a fifth of the pixels inked), labels 0..9 in turn. */
function syntheticDigits(count = 300): Dataset {
  const rng = new Random(77);
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.next() < 0.2 ? 1 + rng.int(255) : 0;
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  return { pixels, labels, count };
}

/** 300 digits in batches of 32: nine full batches and a last one of 12. */
const PLAN = { seed: 5, batchSize: 32, limit: 300, startEpoch: 0, epochs: 3 };

async function batchOf(pipeline: AugmentPipeline, epoch: number, step: number, count: number) {
  const input = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  await pipeline.fill(epoch, step, count, input, labels);
  return { input, labels };
}

const countAt = (step: number) => Math.min(32, 300 - step * 32);

/** Fails at the first differing value, without printing whole arrays (that takes long). */
function assertSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      assert.fail(`${what}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

Deno.test("augmented batches hold the digits the plain training loop would use", () => {
  const train = syntheticDigits();
  const maker = new AugmentedBatchMaker(train, PLAN, IDENTITY_AUGMENT);
  const order = epochOrder(new Uint32Array(300), PLAN.seed, 2);
  for (const step of [0, 4, 9]) {
    const count = countAt(step);
    const plain = { input: new Float32Array(count * 784), labels: new Uint8Array(count) };
    fillBatch(train, order, step * 32, count, plain.input, plain.labels);
    const input = new Float32Array(count * 784);
    const labels = new Uint8Array(count);
    assert.equal(maker.fill(2, step, input, labels), count);
    assertSameValues(labels, plain.labels, `labels of step ${step}`);
    assertSameValues(input, plain.input, `pixels of step ${step}`); // identity: the plain pixels
  }
});

Deno.test("an augmented batch depends only on seed, epoch and step", () => {
  const train = syntheticDigits();
  const input = new Float32Array(32 * 784);
  const labels = new Uint8Array(32);
  const walked = new AugmentedBatchMaker(train, PLAN);
  for (let step = 0; step < 10; step++) walked.fill(1, step, input, labels);
  walked.fill(2, 3, input, labels);
  const direct = { input: new Float32Array(32 * 784), labels: new Uint8Array(32) };
  new AugmentedBatchMaker(train, PLAN).fill(2, 3, direct.input, direct.labels);
  assertSameValues(direct.input, input, "pixels");
  assertSameValues(direct.labels, labels, "labels");
  const reseeded = new Float32Array(32 * 784);
  new AugmentedBatchMaker(train, { ...PLAN, seed: 6 }).fill(2, 3, reseeded, labels);
  assert.notDeepEqual(reseeded, input);
});

Deno.test("the worker makes exactly the main thread's batches, across epochs and after a jump", async () => {
  const train = syntheticDigits();
  const worker = openAugmentPipeline(train, PLAN);
  const main = openAugmentPipeline(train, PLAN, { worker: false });
  try {
    assert.equal(worker.thread, "worker");
    assert.equal(main.thread, "main");
    const sequence: [number, number][] = [];
    for (let epoch = 1; epoch <= 2; epoch++) {
      for (let step = 0; step < 10; step++) sequence.push([epoch, step]);
    }
    sequence.push([2, 4], [2, 5], [3, 0]); // a resumed run jumps back; then reads ahead again
    for (const [epoch, step] of sequence) {
      const fromWorker = await batchOf(worker, epoch, step, countAt(step));
      const fromMain = await batchOf(main, epoch, step, countAt(step));
      assertSameValues(fromWorker.labels, fromMain.labels, `labels of epoch ${epoch} step ${step}`);
      assertSameValues(fromWorker.input, fromMain.input, `pixels of epoch ${epoch} step ${step}`);
    }
    assert.equal(worker.thread, "worker");
  } finally {
    worker.close();
    main.close();
  }
});

Deno.test("a worker that cannot start leaves the same batches to the main thread", async () => {
  const train = syntheticDigits();
  // Deno prints the worker's uncaught error; the pipeline carries on without it.
  const broken = openAugmentPipeline(train, PLAN, {
    workerUrl: 'data:text/javascript,throw new Error("this worker cannot start")',
  });
  const main = openAugmentPipeline(train, PLAN, { worker: false });
  try {
    for (const step of [0, 1, 2]) {
      const fromBroken = await batchOf(broken, 1, step, 32);
      const fromMain = await batchOf(main, 1, step, 32);
      assertSameValues(fromBroken.labels, fromMain.labels, `labels of step ${step}`);
      assertSameValues(fromBroken.input, fromMain.input, `pixels of step ${step}`);
    }
    assert.equal(broken.thread, "main");
  } finally {
    broken.close();
    main.close();
  }
});

Deno.test("a worker failing mid-run fails the batch with its message instead of hanging", async () => {
  // Answers the first request, then reports an error, as the real worker does when fill throws.
  const script = `let n = 0;
    onmessage = (e) => {
      if (e.data.type !== "prepare") return;
      if (n++ === 0) postMessage({ type: "ready", slot: e.data.slot, request: e.data.request });
      else postMessage({ type: "error", message: "disk on fire" });
    };`;
  const pipeline = openAugmentPipeline(syntheticDigits(), PLAN, {
    workerUrl: `data:text/javascript,${encodeURIComponent(script)}`,
  });
  try {
    await batchOf(pipeline, 1, 0, 32);
    await assert.rejects(batchOf(pipeline, 1, 1, 32), /augmentation worker failed: disk on fire/);
    await assert.rejects(batchOf(pipeline, 1, 2, 32), /disk on fire/);
    assert.equal(pipeline.thread, "worker");
  } finally {
    pipeline.close();
  }
});

Deno.test("a closed pipeline refuses batches", async () => {
  const pipeline = openAugmentPipeline(syntheticDigits(), PLAN);
  await batchOf(pipeline, 1, 0, 32); // the worker is up and reading ahead
  pipeline.close();
  pipeline.close(); // twice is harmless
  await assert.rejects(batchOf(pipeline, 1, 1, 32), /closed/);
});

Deno.test("close() ends the worker, so the process can exit by itself", async () => {
  // A live worker keeps a Deno process running, and test sanitizers do not notice: run a
  // program that opens, uses and closes a pipeline, and see it end on its own.
  const script = `
    import { openAugmentPipeline } from ${
    JSON.stringify(new URL("./pipeline.ts", import.meta.url).href)
  };
    const train = { pixels: new Uint8Array(100 * 784), labels: new Uint8Array(100), count: 100 };
    const plan = { seed: 1, batchSize: 10, limit: 100, startEpoch: 0, epochs: 2 };
    const pipeline = openAugmentPipeline(train, plan);
    await pipeline.fill(1, 0, 10, new Float32Array(10 * 784), new Uint8Array(10));
    console.log(pipeline.thread);
    pipeline.close();`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const output = await child.output();
  clearTimeout(timer);
  assert.equal(output.signal, null, "the process was still running after 20 s");
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.equal(new TextDecoder().decode(output.stdout).trim(), "worker");
});

Deno.test("a batch of the wrong size is refused", async () => {
  const pipeline = openAugmentPipeline(syntheticDigits(), PLAN, { worker: false });
  try {
    await assert.rejects(async () => await batchOf(pipeline, 1, 9, 32), /holds 12 digits, not 32/);
  } finally {
    pipeline.close();
  }
});

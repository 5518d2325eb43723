import assert from "node:assert/strict";
import type { Dataset } from "../data/dataset.ts";
import { type AugmentPipeline, openAugmentPipeline } from "../batches/mod.ts";
import { defaultOptimizerSettings, Network, Random } from "../network/mod.ts";
import { type TrainingPlan, trainNetwork } from "./trainer.ts";
import { evaluateNetwork } from "./evaluate.ts";

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

/** Fails at the first differing value, without printing whole arrays (that takes long). */
function assertSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      assert.fail(`${what}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/**
 * Trains [784, 16, 10] on the synthetic digits for two epochs, with augmentation made on a
 * worker or the main thread (or none), optionally stopped after `stopAfter` batches and
 * resumed; returns the final weights.
 */
async function trainAugmented(
  where: "worker" | "main" | "none",
  stopAfter?: number,
): Promise<Float32Array> {
  const open = (train: Dataset, plan: TrainingPlan): AugmentPipeline | undefined =>
    where === "none" ? undefined : openAugmentPipeline(train, plan, { worker: where === "worker" });
  const train = syntheticDigits();
  const plan: TrainingPlan = {
    ...PLAN,
    epochs: 2,
    optimizer: defaultOptimizerSettings("adam"),
    schedule: "cosine",
    warmupEpochs: 0,
    augment: true,
  };
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 3 });
  let position = { epochsDone: 0, stepInEpoch: 0 };
  if (stopAfter !== undefined) {
    // An interrupted run: stop after `stopAfter` batches, then resume with a new pipeline.
    let batchesDone = 0;
    const first = open(train, plan);
    try {
      const outcome = await trainNetwork(network, train, train, plan, position, {
        batches: first,
        onEvent: (event) => {
          if (event.type === "batch") batchesDone++;
        },
        shouldStop: () => batchesDone >= stopAfter,
      });
      assert.equal(outcome.status, "stopped");
      position = outcome.position;
    } finally {
      first?.close();
    }
  }
  const batches = open(train, plan);
  try {
    const outcome = await trainNetwork(network, train, train, plan, position, { batches });
    assert.equal(outcome.status, "completed");
  } finally {
    batches?.close();
  }
  return Float32Array.from(network.weights.flatMap((w) => [...w]));
}

Deno.test("training with the worker equals training on the main thread, resumed or not", async () => {
  const onMain = await trainAugmented("main");
  assertSameValues(await trainAugmented("worker"), onMain, "weights with the worker");
  // Stopped in epoch 2 (batch 13 of 20) or epoch 1, then resumed with a new pipeline.
  assertSameValues(await trainAugmented("worker", 13), onMain, "weights resumed with the worker");
  assertSameValues(await trainAugmented("main", 4), onMain, "weights resumed on the main thread");
  // ...and the batches really were distorted: plain training ends elsewhere.
  const plain = await trainAugmented("none");
  assert.ok(plain.some((w, i) => w !== onMain[i]), "augmentation changed nothing");
});

/** Trains [784, 16, 10] on the synthetic digits (tested on the same digits) with `hooks`. */
async function trainWatched(
  hooks: { evalEvery?: number; stopAt?: number; keepBest?: boolean },
  learningRate: number,
) {
  const digits = syntheticDigits();
  const plan: TrainingPlan = {
    ...PLAN,
    optimizer: { ...defaultOptimizerSettings("adam"), learningRate },
    schedule: "constant",
    warmupEpochs: 0,
  };
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 3 });
  const evaluations: Array<{ epoch: number; step: number; accuracy: number }> = [];
  const ends: Array<{ epoch: number; stoppedAtStep?: number; seconds: number }> = [];
  const outcome = await trainNetwork(network, digits, digits, plan, {
    epochsDone: 0,
    stepInEpoch: 0,
  }, {
    ...hooks,
    onEvent: (event) => {
      if (event.type === "batch" && event.testAccuracy !== undefined) {
        evaluations.push({ epoch: event.epoch, step: event.step, accuracy: event.testAccuracy });
      }
      if (event.type === "epoch-end") {
        evaluations.push({ epoch: event.epoch, step: 10, accuracy: event.testAccuracy });
        ends.push(event);
      }
    },
  });
  return { network, digits, evaluations, ends, outcome };
}

Deno.test("--eval-every tests inside epochs; --stop-at ends at the first evaluation that reaches it", async () => {
  const all = await trainWatched({ evalEvery: 4 }, 0.003);
  // Batches 4 and 8 of each 10-batch epoch, then the epoch's end.
  assert.deepEqual(all.evaluations.map((e) => `${e.epoch}:${e.step}`), [
    "1:4",
    "1:8",
    "1:10",
    "2:4",
    "2:8",
    "2:10",
    "3:4",
    "3:8",
    "3:10",
  ]);
  // A target met inside epoch 2: the run ends there, as one more (shortened) epoch.
  const target = all.evaluations[4].accuracy;
  const first = all.evaluations.findIndex((e) => e.accuracy >= target);
  assert.ok(first >= 3, `the target is first met in epoch 2, not at ${first}`);
  const stopped = await trainWatched({ evalEvery: 4, stopAt: target }, 0.003);
  assert.deepEqual(stopped.evaluations.slice(0, first + 1), all.evaluations.slice(0, first + 1));
  assert.equal(stopped.evaluations.length, first + 2); // its epoch's end repeats the last one
  assert.equal(stopped.outcome.status, "completed");
  assert.ok(stopped.outcome.status === "completed" && stopped.outcome.reachedStopAt);
  assert.equal(stopped.ends.length, 2);
  assert.equal(stopped.ends[1].stoppedAtStep, all.evaluations[first].step);
  assert.deepEqual(stopped.outcome.position, { epochsDone: 2, stepInEpoch: 0 });
});

Deno.test("--keep-best puts the best evaluation's weights back when training ends worse", async () => {
  // A rate far too high: the accuracy jumps around from one evaluation to the next.
  const run = await trainWatched({ evalEvery: 2, keepBest: true }, 0.3);
  const best = Math.max(...run.evaluations.map((e) => e.accuracy));
  const last = run.evaluations[run.evaluations.length - 1].accuracy;
  assert.ok(last < best, `the last evaluation (${last}) is the best (${best}): nothing to keep`);
  assert.ok(run.outcome.status === "completed" && run.outcome.restoredBest);
  assert.equal(run.outcome.restoredBest.testAccuracy, best);
  assert.equal(evaluateNetwork(run.network, run.digits).accuracy, best);
});

import assert from "node:assert/strict";
import { defaultOptimizerSettings, Network } from "../network/mod.ts";
import { startSecondThread } from "../network/half_batch_thread.ts";
import { createWasmKernels, wasmSimdSupported } from "../network/wasm/kernels.ts";
import { syntheticMnist } from "./test_data.ts";
import { type TrainingPlan, trainNetwork } from "./trainer.ts";

const data = syntheticMnist(1200, 100);
const plan: TrainingPlan = {
  startEpoch: 0,
  epochs: 2,
  batchSize: 8, // 150 batches an epoch: the probe (72 batches) ends inside each epoch
  optimizer: defaultOptimizerSettings("adam"),
  schedule: "cosine",
  warmupEpochs: 0.1,
  seed: 3,
  limit: 1200,
};

/** Every weight's bits after training `plan` with the given thread set-up. */
async function trainedBits(threads: 1 | 2, chooseThreads: boolean): Promise<Uint32Array[]> {
  const network = new Network({ layerSizes: [784, 32, 10], activation: "relu" }, {
    maxBatch: 64,
    kernels: createWasmKernels(),
    halves: true,
    seed: 2,
  });
  const thread = threads === 2 ? await startSecondThread(network) : undefined;
  const used = new Set<number>();
  try {
    await trainNetwork(network, data.train, data.test, plan, { epochsDone: 0, stepInEpoch: 0 }, {
      chooseThreads,
      onEvent: () => void used.add(network.threads),
    });
  } finally {
    thread?.close();
  }
  if (chooseThreads) assert.deepEqual([...used].sort(), [1, 2], "the probe tried both");
  return network.parameters.map((p) => new Uint32Array(p.value.slice().buffer));
}

Deno.test({
  name: "training that switches between two threads and one (the auto probe) keeps the same bits",
  ignore: !wasmSimdSupported(),
  fn: async () => {
    const one = await trainedBits(1, false);
    assert.deepEqual(await trainedBits(2, false), one);
    assert.deepEqual(await trainedBits(2, true), one);
  },
});

import assert from "node:assert/strict";
import { defaultOptimizerSettings, Network } from "../network/mod.ts";
import { startSecondThread } from "../network/half_batch_thread.ts";
import { createWasmKernels, wasmSimdSupported } from "../network/wasm/kernels.ts";
import { syntheticMnist } from "./test_data.ts";
import { type TrainingPlan, trainNetwork } from "./trainer.ts";
import { PROBE, ThreadProbe } from "./threads.ts";

/** The probe's settings without the timed warm-up: a fake clock's batches count alone. */
const QUICK = { ...PROBE, warmupMs: 0 };

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
      probeSettings: QUICK,
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

/** Runs a probe on a fake clock whose batches take `ms(threads, batch)` ms; its decision. */
function decide(ms: (threads: 1 | 2, batch: number) => number): 1 | 2 {
  let now = 0;
  const probe = new ThreadProbe(() => now, QUICK);
  for (let batch = 0; probe.decided === undefined; batch++) {
    assert.ok(batch < 1000, "the probe decides within a thousand batches");
    probe.begin();
    now += ms(probe.threads(), batch);
    probe.end();
  }
  return probe.decided;
}

Deno.test("the thread probe keeps two threads whenever two are faster, even by a little", () => {
  assert.equal(decide((threads) => (threads === 2 ? 1.0 : 1.37)), 2);
  assert.equal(decide((threads) => (threads === 2 ? 1.0 : 1.02)), 2);
  assert.equal(decide(() => 1.0), 2, "a tie keeps two");
});

Deno.test("the thread probe picks one thread when one is clearly faster", () => {
  assert.equal(decide((threads) => (threads === 2 ? 1.0 : 0.8)), 1);
});

Deno.test("a busy moment in the two-thread blocks does not make the probe drop to one", () => {
  // Two threads at 1.0 ms except batches 20-45 (the other programs took the cores: 5 ms);
  // one thread at 1.2 ms throughout. The blocks alternate, so two still has clean blocks.
  const busy = (batch: number) => batch >= 20 && batch < 46;
  assert.equal(decide((threads, batch) => (threads === 2 ? (busy(batch) ? 5 : 1.0) : 1.2)), 2);
  // And a busy moment on one thread's blocks does not make one look slower than it is.
  assert.equal(decide((threads, batch) => (threads === 1 ? (busy(batch) ? 5 : 0.7) : 1.0)), 1);
});

Deno.test("the warm-up batches are not timed: a slow start on two threads does not count", () => {
  assert.equal(decide((threads, batch) => (batch < 16 ? 50 : threads === 2 ? 1.0 : 1.1)), 2);
});

Deno.test({
  name: "training with the auto probe ends each epoch on the thread count its clock favours",
  ignore: !wasmSimdSupported(),
  fn: async () => {
    for (const [onTwoMs, onOneMs, expected] of [[1, 1.4, 2], [1, 0.7, 1]] as const) {
      const network = new Network({ layerSizes: [784, 32, 10], activation: "relu" }, {
        maxBatch: 64,
        kernels: createWasmKernels(),
        halves: true,
        seed: 2,
      });
      const thread = await startSecondThread(network);
      // A fake clock read twice per batch (before, after): each batch takes the time its
      // thread count is given here, whatever the machine does.
      let reads = 0;
      let now = 0;
      const probeClock = () => {
        if (reads++ % 2 === 1) now += network.threads === 2 ? onTwoMs : onOneMs;
        return now;
      };
      const atEpochEnd: number[] = [];
      try {
        await trainNetwork(network, data.train, data.test, { ...plan, epochs: 1 }, {
          epochsDone: 0,
          stepInEpoch: 0,
        }, {
          chooseThreads: true,
          probeClock,
          probeSettings: QUICK,
          onEvent: (event) => {
            if (event.type === "batch" && event.step === event.steps) {
              atEpochEnd.push(network.threads);
            }
          },
        });
      } finally {
        thread.close();
      }
      assert.deepEqual(atEpochEnd, [expected]);
    }
  },
});

/** Threads of each of `batches` batches under the probe, on a fake clock of `ms` per batch. */
function threadsOver(batches: number, ms: (threads: 1 | 2, batch: number) => number): (1 | 2)[] {
  let now = 0;
  const probe = new ThreadProbe(() => now, QUICK);
  const used: (1 | 2)[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const threads = probe.threads();
    used.push(threads);
    probe.begin();
    now += ms(threads, batch);
    probe.end();
  }
  return used;
}

Deno.test("a probe that chose one thread in a slow spell of the second core probes again", () => {
  // Two threads at 3 ms for the first 100 batches (the other core away), then 1.0; one at 1.2.
  const used = threadsOver(2000, (threads, batch) => threads === 1 ? 1.2 : batch < 100 ? 3 : 1.0);
  assert.equal(used[200], 1, "the first probe, in the slow spell, chose one thread");
  assert.ok(used.slice(1000).every((t) => t === 2), "after the re-check, two for good");
});

Deno.test("when one thread is really faster it stays, re-checked less and less often", () => {
  const used = threadsOver(4000, (threads) => (threads === 2 ? 1.0 : 0.8));
  const two = used.filter((t) => t === 2).length;
  // Each probe runs 16 + 4 x 8 batches on two threads; re-checks after 256, 512, 1024, 2048.
  assert.ok(two <= 4 * 48, `${two} batches on two threads`);
  assert.ok(used.slice(-500).every((t) => t === 1));
});

Deno.test("the warm-up lasts its batches and its milliseconds, whichever is longer", () => {
  let now = 0;
  const probe = new ThreadProbe(() => now, { ...PROBE, warmup: 16, warmupMs: 100 });
  let warm = 0;
  // 0.5 ms batches: 200 of them before 100 ms have passed, all on two threads.
  while (probe.threads() === 2 && warm < 1000) {
    probe.begin();
    now += 0.5;
    probe.end();
    warm++;
  }
  assert.equal(warm, 200 + 8, "200 warm-up batches, then the first timed block on two");
});

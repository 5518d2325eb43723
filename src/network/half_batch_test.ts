import assert from "node:assert/strict";
import { Network, NOT_A_DIGIT } from "./network.ts";
import { parseLayerSpec } from "./layer_spec.ts";
import { defaultOptimizerSettings } from "./optimizer.ts";
import { Random } from "./random.ts";
import { createWasmKernels, wasmSimdSupported } from "./wasm/kernels.ts";
import { nextSpinMs, startSecondThread, ThreadFailure } from "./half_batch_thread.ts";
import { JobKind } from "./half_batch.ts";

const ignore = !wasmSimdSupported();
const DENSE = { layerSizes: [784, 48, 10], activation: "relu" as const };
const CNN = parseLayerSpec("conv3x4,pool,conv3x8,pool,dense16,dropout0.5");
// Batch norm normalizes each half by its own statistics and blends both into the running ones.
const BATCH_NORM = parseLayerSpec("conv3x4,bn,pool,conv3x8,bn,pool,dense16,bn");

/**
 * Digit-like inputs: mostly zeros (the kernels skip them), some ink, seeded; pixel bytes, and
 * the network's input scaled from them as the trainer's are. Returns the bytes.
 */
function fillInputs(network: Network, batch: number, labels: Uint8Array, seed: number): Uint8Array {
  const rng = new Random(seed);
  const size = network.layerSizes[0];
  const pixels = new Uint8Array(batch * size);
  for (let i = 0; i < batch * size; i++) {
    pixels[i] = rng.uniform(0, 1) < 0.2 ? Math.floor(rng.uniform(1, 256)) : 0;
    network.input[i] = pixels[i] / 255;
  }
  for (let b = 0; b < batch; b++) labels[b] = Math.floor(rng.uniform(0, 10));
  return pixels;
}

/** How `train` hands the batches over and updates. */
interface TrainWay {
  /** The rows through a `RowFiller` (as the trainer does), not in `input`. */
  askForRows?: boolean;
  /** Each batch's filler also given as the previous batch's `next` (askForRows). */
  ahead?: boolean;
  /** `Network.updateSplit` set before each batch (else the engine moves it). */
  split?: number;
  optimizer?: "adam" | "momentum" | "sgd";
}

/** Trains `steps` batches (the last one odd-sized) on `threads` threads; returns every weight's bits. */
async function train(
  architecture: typeof DENSE | typeof CNN | typeof BATCH_NORM,
  threads: number,
  steps = 12,
  way: TrainWay = {},
): Promise<Uint32Array[]> {
  const { askForRows = false, ahead = false, split, optimizer = "adam" } = way;
  const network = new Network(architecture, {
    maxBatch: 40,
    kernels: createWasmKernels(),
    halves: true,
    seed: 5,
  });
  const thread = threads === 2 ? await startSecondThread(network) : undefined;
  try {
    const labels = new Uint8Array(40);
    const sizeOf = (step: number) => step === steps - 1 ? 27 : 32;
    // The same rows as bytes, handed over where the network asks for them (as the trainer
    // does): the network scales them to the inputs given directly otherwise.
    const fillerOf = (step: number) => {
      const rowLabels = new Uint8Array(40);
      const filled = fillInputs(network, sizeOf(step), rowLabels, step);
      return (first: number, count: number, pixels: Uint8Array, into: Uint8Array) => {
        pixels.set(filled.subarray(first * 784, (first + count) * 784));
        into.set(rowLabels.subarray(first, first + count));
      };
    };
    let fill = fillerOf(0);
    for (let step = 0; step < steps; step++) {
      const batch = sizeOf(step);
      if (!ahead) fill = fillerOf(step);
      if (!askForRows) fillInputs(network, batch, labels, step);
      const next = ahead && step + 1 < steps
        ? { batch: sizeOf(step + 1), fill: fillerOf(step + 1) }
        : undefined;
      const settings = defaultOptimizerSettings(optimizer);
      if (split !== undefined) network.updateSplit = split;
      network.halves!.trainBatch(
        labels,
        batch,
        settings,
        0.003,
        askForRows ? fill : undefined,
        next,
      );
      if (next) fill = next.fill;
    }
  } finally {
    thread?.close();
  }
  return [
    ...network.parameters.flatMap((p) => [bits(p.value), bits(p.moment1), bits(p.moment2)]),
    ...network.stateTensors.map((t) => bits(t.value)),
  ];
}

const bits = (values: Float32Array) => new Uint32Array(values.slice().buffer);

for (
  const [name, architecture] of [
    ["dense", DENSE],
    ["conv with dropout", CNN],
    ["conv with batch norm", BATCH_NORM],
  ] as const
) {
  Deno.test({
    name: `two-thread training (${name}) is bit-identical across runs and to one thread`,
    ignore,
    fn: async () => {
      const two = await train(architecture, 2);
      assert.deepEqual(await train(architecture, 2), two);
      assert.deepEqual(await train(architecture, 1), two);
      assert.deepEqual(await train(architecture, 2, 12, { askForRows: true }), two);
      assert.deepEqual(await train(architecture, 1, 12, { askForRows: true }), two);
      // Each batch's rows asked for during the batch before: the same bits.
      const ahead = { askForRows: true, ahead: true };
      assert.deepEqual(await train(architecture, 2, 12, ahead), two);
      assert.deepEqual(await train(architecture, 1, 12, ahead), two);
    },
  });
}

Deno.test({
  name: "where the threads cut a dense layer's update changes no bit, for every optimizer",
  ignore,
  fn: async () => {
    for (const optimizer of ["adam", "momentum", "sgd"] as const) {
      const one = await train(DENSE, 1, 6, { optimizer });
      for (const split of [0.2, 0.5, 0.8]) {
        assert.deepEqual(
          await train(DENSE, 2, 6, { optimizer, split }),
          one,
          `${optimizer} ${split}`,
        );
      }
    }
  },
});

Deno.test({
  name: "the parallel path's dense gradients equal the single-thread ones and backprop's exactly",
  ignore,
  fn: async () => {
    const make = () =>
      new Network(DENSE, { maxBatch: 64, kernels: createWasmKernels(), halves: true, seed: 2 });
    const one = make();
    const two = make();
    const thread = await startSecondThread(two);
    const labels = new Uint8Array(64);
    try {
      for (const network of [one, two]) fillInputs(network, 61, labels, 9);
      // Not-a-digit samples in both halves: the weight reaches the second thread.
      for (const b of [3, 40, 55]) labels[b] = NOT_A_DIGIT;
      one.negativeWeight = two.negativeWeight = 0.7;
      const a = one.computeGradients(labels, 61);
      const b = two.computeGradients(labels, 61);
      assert.deepEqual(b, a); // loss and hits too
      for (let i = 0; i < one.parameters.length; i++) {
        assert.deepEqual(bits(two.parameters[i].grad), bits(one.parameters[i].grad));
      }
      // A dense layer's gradient sums the whole batch's samples in order, whichever thread
      // computes which rows: exactly backprop's over the batch in one piece.
      fillInputs(one, 61, labels, 9); // the halves moved the second half's rows
      for (const b of [3, 40, 55]) labels[b] = NOT_A_DIGIT;
      one.forward(61, true);
      one.backward(labels);
      for (let i = 0; i < one.parameters.length; i++) {
        assert.deepEqual(bits(two.parameters[i].grad), bits(one.parameters[i].grad));
      }
    } finally {
      thread.close();
    }
  },
});

Deno.test({
  name: "a forward pass split between threads gives the one-thread probabilities",
  ignore,
  fn: async () => {
    const network = new Network(CNN, {
      maxBatch: 64,
      kernels: createWasmKernels(),
      halves: true,
      seed: 4,
    });
    const labels = new Uint8Array(64);
    fillInputs(network, 64, labels, 1);
    const alone = network.forward(64).slice();
    const loss = network.evaluateLoss(labels);
    const thread = await startSecondThread(network);
    try {
      assert.deepEqual(network.halves!.forward(64), alone);
      assert.deepEqual(network.evaluateLoss(labels), loss);
    } finally {
      thread.close();
    }
  },
});

Deno.test({
  name: "an error on the second thread is thrown on the main one as one clear error",
  ignore,
  fn: async () => {
    const network = new Network(DENSE, { maxBatch: 8, kernels: createWasmKernels(), halves: true });
    const thread = await startSecondThread(network);
    try {
      // More rows than the second half's buffers hold: the worker's kernels refuse them.
      thread.start({
        kind: JobKind.forward,
        rows: 100,
        firstRow: 4,
        batch: 104,
        dropoutStep: 0,
        seed: 1,
      });
      assert.throws(() => thread.waitHalf(), (error: Error) => {
        assert.ok(error instanceof ThreadFailure); // the session reports it as a user error
        assert.match(
          error.message,
          /^the second training thread failed: wasm-simd kernels: .* has \d+ floats, needs \d+$/,
        );
        return true;
      });
    } finally {
      thread.close();
    }
  },
});

Deno.test("a hand-over's spin grows back from its floor when the waits are short, shrinks when long", () => {
  // Waits of 30 µs (the other thread's usual answer on an idle machine), the first ones slept
  // through after the shortest spin: the spin grows until it covers them, and stays there.
  let spin = 0.02;
  for (let i = 0; i < 10; i++) spin = nextSpinMs(spin, 0.03);
  assert.equal(spin, 0.2);
  // Waits of 5 ms (the other thread off its core on a busy machine): down to the floor.
  for (let i = 0; i < 10; i++) spin = nextSpinMs(spin, 5);
  assert.equal(spin, 0.02);
});

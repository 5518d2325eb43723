/**
 * Times the TypeScript and WebAssembly SIMD kernels on the shapes of one training step of the
 * 784-128-10 network (or 784-H-10 for an H given as argument) at batch 64, and prints GFLOP/s (dense ops count 2*B*in*out, zeros
 * included) and the WASM/TS speed ratio. Inputs are real MNIST digits when MNIST_DIR (default
 * ../shared/mnist) has them, else random images with 80% zero pixels.
 *
 *   deno run --allow-read --allow-env src/network/wasm/kernels_bench.ts [hidden=128]
 *
 * The machine may be shared: the implementations take turns (see `timeCalls`), each number
 * is the fastest of 25 short samples. `strict` is the unfused module (`--strict-math`, the
 * kernels as they were before relaxed SIMD), `fused` the default.
 */
import { readIdxImages } from "../../data/idx.ts";
import { createTsKernels, type Kernels } from "../kernels.ts";
import { Network } from "../network.ts";
import { defaultOptimizerSettings } from "../optimizer.ts";
import { Random } from "../random.ts";
import { createWasmKernels } from "./kernels.ts";

const BATCH = 64;
const [INPUT, HIDDEN, CLASSES] = [784, Number(Deno.args[0] ?? 128), 10];
if (!Number.isInteger(HIDDEN) || HIDDEN < 1) {
  throw new Error(`hidden size: expected a positive integer, got ${Deno.args[0]}`);
}

/** [BATCH x 784] pixels in 0..1 and where they came from. */
async function loadPixels(rng: Random): Promise<{ pixels: Float32Array; source: string }> {
  const pixels = new Float32Array(BATCH * INPUT);
  const dir = Deno.env.get("MNIST_DIR") ?? "../shared/mnist";
  try {
    const images = await readIdxImages(`${dir}/t10k-images-idx3-ubyte.gz`);
    for (let k = 0; k < pixels.length; k++) pixels[k] = images.pixels[k] / 255;
    return { pixels, source: `first ${BATCH} MNIST test digits from ${dir}` };
  } catch {
    for (let k = 0; k < pixels.length; k++) pixels[k] = rng.next() < 0.8 ? 0 : rng.next();
    return { pixels, source: "random images with 80% zero pixels (MNIST not found)" };
  }
}

/** The buffers of one training step of 784-128-10, all in `kernels`' arena. */
function makeBuffers(kernels: Kernels, pixels: Float32Array, rng: Random) {
  const lengths = {
    x: BATCH * INPUT,
    w1: INPUT * HIDDEN,
    b1: HIDDEN,
    h: BATCH * HIDDEN,
    w2: HIDDEN * CLASSES,
    b2: CLASSES,
    z2: BATCH * CLASSES,
    dz2: BATCH * CLASSES,
    dh: BATCH * HIDDEN,
    dw1: INPUT * HIDDEN,
    db1: HIDDEN,
    dw2: HIDDEN * CLASSES,
    db2: CLASSES,
    m1: INPUT * HIDDEN,
    v1: INPUT * HIDDEN,
  };
  const total = Object.values(lengths).reduce((sum, n) => sum + n, 0);
  const arena = kernels.arena(total);
  const views: Record<keyof typeof lengths, Float32Array> = {} as never;
  let offset = 0;
  for (const [name, n] of Object.entries(lengths)) {
    views[name as keyof typeof lengths] = arena.subarray(offset, offset + n);
    offset += n;
  }
  views.x.set(pixels);
  for (const k of ["w1", "w2", "dz2", "dw1"] as const) {
    const view = views[k];
    for (let i = 0; i < view.length; i++) view[i] = rng.gaussian() * 0.05;
  }
  // Hidden activations with real ReLU sparsity: h = max(0, x · w1 + b1).
  kernels.forwardDense(views.x, views.w1, views.b1, views.h, BATCH, INPUT, HIDDEN);
  for (let i = 0; i < views.h.length; i++) views.h[i] = Math.max(0, views.h[i]);
  for (let i = 0; i < views.dh.length; i++) views.dh[i] = views.h[i] > 0 ? rng.gaussian() : 0;
  for (let i = 0; i < views.v1.length; i++) views.v1[i] = rng.next() * 1e-4;
  return views;
}

/**
 * Seconds per call of each of `runs`, after warming up (and letting V8 tier up the wasm): the
 * runs take turns in short samples of about 3 ms, 25 rounds, and each keeps its fastest, so
 * that the busy moments of a shared machine hit all of them alike and rarely the best sample.
 */
function timeCalls(...runs: (() => void)[]): number[] {
  const perSample = runs.map((run) => {
    const warmEnd = performance.now() + 100;
    let calls = 0;
    while (performance.now() < warmEnd) {
      run();
      calls++;
    }
    return Math.max(1, Math.round(calls * (3 / 100)));
  });
  const best = runs.map(() => Infinity);
  for (let round = 0; round < 25; round++) {
    runs.forEach((run, r) => {
      const start = performance.now();
      for (let k = 0; k < perSample[r]; k++) run();
      best[r] = Math.min(best[r], (performance.now() - start) / 1000 / perSample[r]);
    });
  }
  return best;
}

const rng = new Random(1);
const { pixels, source } = await loadPixels(rng);
let zeros = 0;
for (const p of pixels) if (p === 0) zeros++;
const ts = createTsKernels();
const strict = createWasmKernels({ fused: false });
const fused = createWasmKernels({ fused: true });
const bufs = new Map<Kernels, ReturnType<typeof makeBuffers>>([
  [ts, makeBuffers(ts, pixels, new Random(2))],
  [strict, makeBuffers(strict, pixels, new Random(2))],
  [fused, makeBuffers(fused, pixels, new Random(2))],
]);
const hiddenZeros = bufs.get(ts)!.h.filter((v) => v === 0).length / (BATCH * HIDDEN);

const N1 = INPUT * HIDDEN;
const cases: { name: string; flops: number; run: (k: Kernels) => void }[] = [
  {
    name: `forwardDense ${INPUT}->${HIDDEN}`,
    flops: 2 * BATCH * INPUT * HIDDEN,
    run: (k) => {
      const b = bufs.get(k)!;
      k.forwardDense(b.x, b.w1, b.b1, b.dh, BATCH, INPUT, HIDDEN);
    },
  },
  {
    name: `forwardDense ${HIDDEN}->${CLASSES}`,
    flops: 2 * BATCH * HIDDEN * CLASSES,
    run: (k) => {
      const b = bufs.get(k)!;
      k.forwardDense(b.h, b.w2, b.b2, b.z2, BATCH, HIDDEN, CLASSES);
    },
  },
  {
    name: `gradDense ${INPUT}->${HIDDEN}`,
    flops: 2 * BATCH * INPUT * HIDDEN,
    run: (k) => {
      const b = bufs.get(k)!;
      k.gradDense(b.x, b.dh, b.dw1, b.db1, BATCH, INPUT, HIDDEN);
    },
  },
  {
    name: `gradDense ${HIDDEN}->${CLASSES}`,
    flops: 2 * BATCH * HIDDEN * CLASSES,
    run: (k) => {
      const b = bufs.get(k)!;
      k.gradDense(b.h, b.dz2, b.dw2, b.db2, BATCH, HIDDEN, CLASSES);
    },
  },
  {
    name: `backDense ${HIDDEN}<-${CLASSES}`,
    flops: 2 * BATCH * HIDDEN * CLASSES,
    run: (k) => {
      const b = bufs.get(k)!;
      k.backDense(b.dz2, b.w2, b.dh, BATCH, HIDDEN, CLASSES);
    },
  },
  {
    name: `sgdStep n=${N1} (6 flop/elem)`,
    flops: 6 * N1,
    run: (k) => {
      const b = bufs.get(k)!;
      k.sgdStep(b.w1, b.dw1, b.m1, 1e-9, 0.9, 1e-4);
    },
  },
  {
    name: `adamStep n=${N1} (16 flop/elem)`,
    flops: 16 * N1,
    run: (k) => {
      const b = bufs.get(k)!;
      k.adamStep(b.w1, b.dw1, b.m1, b.v1, 1e-9, 0.9, 0.999, 1e-8, 1e-4, 0.1, 0.001);
    },
  },
];

console.log(
  `inputs: ${source}; ${(100 * zeros / pixels.length).toFixed(1)}% zero pixels, ` +
    `${(100 * hiddenZeros).toFixed(1)}% zero hidden activations; batch ${BATCH}`,
);
const pad = (s: string, n: number) => s.padStart(n);
console.log(
  `${"kernel".padEnd(34)}${pad("ts µs", 9)}${pad("GFLOP/s", 9)}${pad("strict µs", 11)}` +
    `${pad("GFLOP/s", 9)}${pad("fused µs", 10)}${pad("GFLOP/s", 9)}${pad("fused/strict", 14)}`,
);
for (const c of cases) {
  const [tsSeconds, strictBest, fusedBest] = timeCalls(
    () => c.run(ts),
    () => c.run(strict),
    () => c.run(fused),
  );
  console.log(
    c.name.padEnd(34) +
      pad((tsSeconds * 1e6).toFixed(1), 9) + pad((c.flops / tsSeconds / 1e9).toFixed(2), 9) +
      pad((strictBest * 1e6).toFixed(1), 11) + pad((c.flops / strictBest / 1e9).toFixed(2), 9) +
      pad((fusedBest * 1e6).toFixed(1), 10) + pad((c.flops / fusedBest / 1e9).toFixed(2), 9) +
      pad(`${(strictBest / fusedBest).toFixed(2)}x`, 14),
  );
}

// A whole training step (forward, loss, backward, Adam) through the real Network class.
const architecture = { layerSizes: [INPUT, HIDDEN, CLASSES], activation: "relu" as const };
const labels = new Uint8Array(BATCH).map((_, k) => k % 10);
const settings = defaultOptimizerSettings("adam");
const steps: { name: string; run: () => void }[] = [];
for (
  const kernels of [
    createTsKernels(),
    createWasmKernels({ fused: false }),
    createWasmKernels({ fused: true }),
  ]
) {
  const net = new Network(architecture, { maxBatch: BATCH, kernels });
  net.input.set(pixels);
  steps.push({
    name: kernels.name,
    run: () => {
      net.forward(BATCH);
      net.evaluateLoss(labels);
      net.backward(labels);
      net.applyGradients(settings, 1e-9);
    },
  });
}
const stepTimes = timeCalls(...steps.map((step) => step.run));
steps.forEach((step, k) => {
  console.log(
    `training step (${step.name}): ${(stepTimes[k] * 1e3).toFixed(3)} ms/batch, ` +
      `${Math.round(BATCH / stepTimes[k])} samples/s`,
  );
});
console.log(
  `training step ratio to ts: strict ${(stepTimes[0] / stepTimes[1]).toFixed(1)}x, ` +
    `fused ${(stepTimes[0] / stepTimes[2]).toFixed(1)}x`,
);

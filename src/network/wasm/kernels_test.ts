import assert from "node:assert/strict";
import { type AdamUpdate, convScratchSize, createTsKernels, type Kernels } from "../kernels.ts";
import { parseLayerSpec } from "../layer_spec.ts";
import { Network } from "../network.ts";
import { defaultOptimizerSettings } from "../optimizer.ts";
import { Random } from "../random.ts";
import { attachWasmKernels, createWasmKernels } from "./kernels.ts";

const ts = createTsKernels();

/** Lays out named buffers in one arena, each `gap` floats after the last, starting at `shift`. */
function layout(
  kernels: Kernels,
  lengths: Record<string, number>,
  shift: number,
  gap: number,
): { arena: Float32Array; views: Record<string, Float32Array> } {
  const total = Object.values(lengths).reduce((sum, n) => sum + n + gap, shift);
  const arena = kernels.arena(total);
  // NaN everywhere outside the views: a kernel that writes out of bounds, or lets a
  // neighbouring float leak into a result, shows up as a changed gap or a NaN result.
  arena.fill(NaN);
  const views: Record<string, Float32Array> = {};
  let offset = shift;
  for (const [name, n] of Object.entries(lengths)) {
    views[name] = arena.subarray(offset, offset + n);
    views[name].fill(0);
    offset += n + gap;
  }
  return { arena, views };
}

/** Random values with about `zeroFraction` exact zeros, like MNIST pixels. */
function fillSparse(view: Float32Array, rng: Random, zeroFraction: number): void {
  for (let k = 0; k < view.length; k++) view[k] = rng.next() < zeroFraction ? 0 : rng.gaussian();
}

/** Checks |actual - expected| <= tolerance * scale elementwise (scale: sum of term sizes). */
function assertClose(
  actual: Float32Array,
  expected: Float32Array,
  scale: Float32Array,
  tolerance: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < actual.length; k++) {
    const error = Math.abs(actual[k] - expected[k]);
    if (!(error <= tolerance * scale[k])) {
      assert.fail(
        `${what}[${k}]: wasm ${actual[k]} vs ts ${expected[k]} (allowed ${tolerance * scale[k]})`,
      );
    }
  }
}

/** Every float of the arena outside the views is still NaN. */
function assertGapsUntouched(arena: Float32Array, views: Record<string, Float32Array>): void {
  const inside = new Uint8Array(arena.length);
  for (const view of Object.values(views)) {
    const start = (view.byteOffset - arena.byteOffset) / 4;
    inside.fill(1, start, start + view.length);
  }
  for (let k = 0; k < arena.length; k++) {
    if (!inside[k] && !Number.isNaN(arena[k])) assert.fail(`arena[${k}] outside views was written`);
  }
}

const abs = (view: Float32Array) => view.map(Math.abs);

Deno.test("the strict module rounds each multiply and add; the fused one rounds once", () => {
  // -1 + 3 * fround(1/3): the product 1.00000003 rounds to 1 in float32, so two roundings
  // give exactly 0, one rounding (a fused multiply-add) keeps the 2.98e-8.
  const third = Math.fround(1 / 3);
  const fma = Math.fround(3 * third - 1); // 3 * third is exact in double
  assert.notEqual(fma, 0);
  for (const fused of [false, true]) {
    const wasm = createWasmKernels({ fused });
    const { views } = layout(wasm, { x: 1, w: 4, bias: 4, z: 4 }, 0, 4);
    views.x[0] = 3;
    views.w.fill(third);
    views.bias.fill(-1);
    wasm.forwardDense(views.x, views.w, views.bias, views.z, 1, 1, 4);
    // (Relaxed SIMD lets a CPU without FMA round twice; every CPU we run on has FMA.)
    assert.deepEqual([...views.z], new Array(4).fill(fused ? fma : 0), `fused: ${fused}`);
  }
});

// [batch, inSize, outSize, fraction of zero inputs]: odd sizes hit every tile width and the
// 1..3-float tails; the dense cases past 8192 inputs or 2048 rows fill the scratch lists, so
// forwardDense and gradDense must work in chunks.
const DENSE_SHAPES: [number, number, number, number][] = [
  [1, 1, 1, 0.8],
  [5, 3, 10, 0.8],
  [64, 784, 128, 0.8],
  [64, 128, 10, 0.5],
  [5, 17, 30, 0.8],
  [5, 17, 30, 0],
  [1, 10, 3, 0.8],
  [64, 17, 1, 0.8],
  [5, 784, 10, 0.8],
  [3, 1, 63, 0.8],
  [1, 128, 36, 0.8],
  [2, 8197, 5, 0],
  [2051, 5, 3, 0],
  [8195, 1, 2, 0],
];

for (const [batch, inSize, outSize, zeroFraction] of DENSE_SHAPES) {
  for (const shift of [0, 1]) {
    Deno.test(`dense kernels match the TS reference: B=${batch} ${inSize}->${outSize}, ${zeroFraction * 100}% zeros, shift ${shift}`, () => {
      const rng = new Random(batch * 1000003 + inSize * 1009 + outSize + shift + 10 * zeroFraction);
      const lengths = {
        x: batch * inSize,
        w: inSize * outSize,
        bias: outSize,
        z: batch * outSize,
        dz: batch * outSize,
        dw: inSize * outSize,
        db: outSize,
        dx: batch * inSize,
        adamW: inSize * outSize,
        adamM: inSize * outSize,
        adamV: inSize * outSize,
        stepW: inSize * outSize,
        stepM: inSize * outSize,
        stepV: inSize * outSize,
      };
      // shift 1 makes every view start off a 16-byte boundary; gap 3 keeps them unaligned.
      const { views } = layout(ts, lengths, shift, 3);
      const x = views.x, w = views.w, bias = views.bias, dz = views.dz;
      fillSparse(x, rng, zeroFraction);
      fillSparse(w, rng, 0);
      fillSparse(bias, rng, 0);
      fillSparse(dz, rng, 0.1);
      const wasm = createWasmKernels();
      const wasmViews = layout(wasm, lengths, shift, 3);
      for (const name of ["x", "w", "bias", "dz"]) wasmViews.views[name].set(views[name]);
      const v = wasmViews.views;

      // z = x · w + bias
      ts.forwardDense(x, w, bias, views.z, batch, inSize, outSize);
      wasm.forwardDense(v.x, v.w, v.bias, v.z, batch, inSize, outSize);
      const zScale = new Float32Array(batch * outSize);
      ts.forwardDense(abs(x), abs(w), abs(bias), zScale, batch, inSize, outSize);
      assertClose(v.z, views.z, zScale, 1e-6, "z");

      // dw = x^T · dz, db = column sums of dz; stale values must be overwritten
      v.dw.fill(7);
      v.db.fill(7);
      ts.gradDense(x, dz, views.dw, views.db, batch, inSize, outSize);
      wasm.gradDense(v.x, v.dz, v.dw, v.db, batch, inSize, outSize);
      const dwScale = new Float32Array(inSize * outSize);
      const dbScale = new Float32Array(outSize);
      ts.gradDense(abs(x), abs(dz), dwScale, dbScale, batch, inSize, outSize);
      assertClose(v.dw, views.dw, dwScale, 1e-6, "dw");
      assertClose(v.db, views.db, dbScale, 1e-6, "db");

      // The same gradient from the batch as two halves, cut into two ranges of rows (as two
      // threads take it): the bits of one call, in both modules and in the TS reference; with
      // Adam, the bits of the gradient followed by adamStep on the same rows.
      const whole = { dw: v.dw.slice(), db: v.db.slice() };
      const tsWhole = { dw: views.dw.slice(), db: views.db.slice() };
      const half = batch >> 1;
      const cut = inSize >> 1;
      const adamNumbers = {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.01,
        correction1: 0.19,
        correction2: 0.002,
      };
      for (const kernels of [wasm, ts]) {
        const k = kernels === wasm ? v : views;
        const second = {
          x: k.x.subarray(half * inSize, batch * inSize),
          dz: k.dz.subarray(half * outSize, batch * outSize),
        };
        const halves = (adam?: AdamUpdate) => {
          k.dw.fill(7);
          k.db.fill(7);
          for (const [from, to, db] of [[0, cut, k.db], [cut, inSize, undefined]] as const) {
            kernels.gradDenseHalves(
              k.x,
              k.dz,
              half,
              second.x,
              second.dz,
              batch - half,
              k.dw,
              db,
              inSize,
              outSize,
              from,
              to,
              adam,
            );
          }
        };
        halves();
        assert.deepEqual(k.dw, kernels === wasm ? whole.dw : tsWhole.dw);
        assert.deepEqual(k.db, kernels === wasm ? whole.db : tsWhole.db);
        // Adam in the same pass, against adamStep after the gradient, from the same state.
        for (const [param, m, v] of [["adamW", "adamM", "adamV"], ["stepW", "stepM", "stepV"]]) {
          k[param].set(k.w);
          for (let j = 0; j < k.w.length; j++) {
            k[m][j] = k.w[j] * 0.1;
            k[v][j] = k.w[j] * k.w[j] * 0.01;
          }
        }
        halves({ ...adamNumbers, param: k.adamW, m: k.adamM, v: k.adamV });
        for (const [from, to] of [[0, cut], [cut, inSize]]) {
          const rows = (t: Float32Array) => t.subarray(from * outSize, to * outSize);
          const a = adamNumbers;
          kernels.adamStep(
            rows(k.stepW),
            rows(k.dw),
            rows(k.stepM),
            rows(k.stepV),
            a.lr,
            a.beta1,
            a.beta2,
            a.eps,
            a.weightDecay,
            a.correction1,
            a.correction2,
          );
        }
        assert.deepEqual(k.adamW, k.stepW);
        assert.deepEqual(k.adamM, k.stepM);
        assert.deepEqual(k.adamV, k.stepV);
      }

      // dx = dz · w^T
      ts.backDense(dz, w, views.dx, batch, inSize, outSize);
      wasm.backDense(v.dz, v.w, v.dx, batch, inSize, outSize);
      const dxScale = new Float32Array(batch * inSize);
      ts.backDense(abs(dz), abs(w), dxScale, batch, inSize, outSize);
      assertClose(v.dx, views.dx, dxScale, 1e-5, "dx");

      assertGapsUntouched(wasmViews.arena, v);
    });
  }
}

for (const n of [1, 3, 10, 17, 128, 784 * 128 + 3]) {
  Deno.test(`optimizer kernels match the TS reference: n=${n}`, () => {
    const rng = new Random(n);
    const lengths = { param: n, grad: n, m: n, v: n };
    const reference = layout(ts, lengths, 1, 1).views;
    const wasm = createWasmKernels();
    const { arena, views } = layout(wasm, lengths, 1, 1);
    fillSparse(reference.param, rng, 0);
    fillSparse(reference.grad, rng, 0.3);
    fillSparse(reference.m, rng, 0);
    for (let k = 0; k < n; k++) reference.v[k] = rng.next() * 0.01;
    const copyIn = () => {
      for (const name of ["param", "grad", "m", "v"]) views[name].set(reference[name]);
    };

    // SGD with momentum and decay: scale each value by the sizes of the terms that made it.
    copyIn();
    const [lr, momentum, decay] = [0.05, 0.9, 5e-4];
    const velScale = reference.m.map((vel, k) =>
      Math.abs(momentum * vel) +
      lr * (Math.abs(reference.grad[k]) + decay * Math.abs(reference.param[k]))
    );
    const paramScale = reference.param.map((p, k) => Math.abs(p) + velScale[k]);
    ts.sgdStep(reference.param, reference.grad, reference.m, lr, momentum, decay);
    wasm.sgdStep(views.param, views.grad, views.m, lr, momentum, decay);
    assertClose(views.m, reference.m, velScale, 1e-6, "velocity");
    assertClose(views.param, reference.param, paramScale, 1e-6, "param (sgd)");

    // AdamW at step 3.
    copyIn();
    const [b1, b2, eps, adamDecay, step] = [0.9, 0.999, 1e-8, 0.01, 3];
    const [c1, c2] = [1 - b1 ** step, 1 - b2 ** step];
    const mScale = reference.m.map((m, k) =>
      b1 * Math.abs(m) + (1 - b1) * Math.abs(reference.grad[k])
    );
    const vScale = reference.v.map((v, k) => b2 * v + (1 - b2) * reference.grad[k] ** 2);
    const before = reference.param.slice();
    ts.adamStep(
      reference.param,
      reference.grad,
      reference.m,
      reference.v,
      0.001,
      b1,
      b2,
      eps,
      adamDecay,
      c1,
      c2,
    );
    wasm.adamStep(views.param, views.grad, views.m, views.v, 0.001, b1, b2, eps, adamDecay, c1, c2);
    assertClose(views.m, reference.m, mScale, 1e-6, "m");
    assertClose(views.v, reference.v, vScale, 1e-6, "v");
    // The update must agree to 1e-5 relative, plus a few float32 ulps of param
    // (3e-7 |param|) for rounding the sum.
    const updateScale = before.map((p, k) => 0.03 * Math.abs(p) + Math.abs(p - reference.param[k]));
    assertClose(views.param, reference.param, updateScale, 1e-5, "param (adam)");

    // addInto (the second half-batch's gradient into the first's): exact, one add per float.
    copyIn();
    ts.addInto(reference.grad, reference.m, n);
    wasm.addInto(views.grad, views.m, n);
    assert.deepEqual(views.grad, reference.grad);
    assertGapsUntouched(arena, views);
  });
}

Deno.test("two kernel instances on one shared memory, each in its own scratch slot, agree", () => {
  const first = createWasmKernels();
  const [batch, inSize, outSize] = [6, 784, 40];
  const rng = new Random(11);
  const arena = first.arena(batch * inSize + batch * outSize + inSize * outSize + outSize);
  const second = attachWasmKernels(first.memory!, 1, first.fused);
  assert.equal(second.arena(arena.length).byteOffset, arena.byteOffset);
  const w = arena.subarray(0, inSize * outSize);
  const bias = arena.subarray(w.length, w.length + outSize);
  let at = w.length + outSize;
  const take = (n: number) => arena.subarray(at, at += n);
  const [x, z] = [take(batch * inSize), take(batch * outSize)];
  fillSparse(w, rng, 0);
  fillSparse(x, rng, 0.8);
  first.forwardDense(x, w, bias, z, batch, inSize, outSize);
  const once = z.slice();
  z.fill(0);
  second.forwardDense(x, w, bias, z, batch, inSize, outSize);
  assert.deepEqual(z, once);
});

Deno.test("wasm kernels reject views that are not in their own arena", () => {
  const wasm = createWasmKernels();
  const other = createWasmKernels();
  const mine = wasm.arena(64);
  const theirs = other.arena(64);
  const plain = new Float32Array(64);
  const ok = mine.subarray(0, 16);
  assert.throws(
    () => wasm.forwardDense(plain.subarray(0, 16), ok, ok, ok, 4, 4, 4),
    /x is not a view into this kernel set's arena/,
  );
  assert.throws(
    () => wasm.backDense(ok, theirs.subarray(0, 16), ok, 4, 4, 4),
    /w is not a view into this kernel set's arena/,
  );
  assert.throws(
    () => wasm.sgdStep(ok, ok, plain.subarray(0, 16), 0.1, 0, 0),
    /velocity is not a view/,
  );
  assert.throws(
    () => wasm.gradDense(ok, ok, ok, ok.subarray(0, 3), 4, 4, 4),
    /db has 3 floats, needs 4/,
  );
  assert.throws(() => wasm.arena(8), /only once/);
  // Before arena(), nothing is a valid view.
  assert.throws(() => createWasmKernels().sgdStep(plain, plain, plain, 0.1, 0, 0), /not a view/);
});

Deno.test("several wasm kernel sets keep separate memories", () => {
  const first = createWasmKernels();
  const second = createWasmKernels();
  const a = first.arena(8);
  const b = second.arena(8);
  assert.notEqual(a.buffer, b.buffer);
  assert.equal(a.byteOffset % 16, 0);
  assert.deepEqual([...a], new Array(8).fill(0));
  a.fill(1);
  first.sgdStep(a.subarray(0, 4), a.subarray(4, 8), a.subarray(4, 8), 1, 0, 0);
  assert.deepEqual([...b], new Array(8).fill(0));
  assert.deepEqual([...a.subarray(0, 4)], [0, 0, 0, 0]);
});

Deno.test("a network trained with wasm kernels follows the TS-kernel network", () => {
  const architecture = { layerSizes: [784, 32, 10], activation: "relu" as const };
  const tsNet = new Network(architecture, { maxBatch: 16, seed: 3 });
  const wasmNet = new Network(architecture, {
    maxBatch: 16,
    seed: 3,
    kernels: createWasmKernels(),
  });
  const rng = new Random(11);
  const settings = defaultOptimizerSettings("adam");
  for (let step = 0; step < 5; step++) {
    const labels = new Uint8Array(16).map(() => rng.int(10));
    for (let k = 0; k < 16 * 784; k++) {
      const pixel = rng.next() < 0.8 ? 0 : rng.next();
      tsNet.input[k] = pixel;
      wasmNet.input[k] = pixel;
    }
    tsNet.forward(16);
    wasmNet.forward(16);
    const tsLoss = tsNet.evaluateLoss(labels).loss;
    const wasmLoss = wasmNet.evaluateLoss(labels).loss;
    assert.ok(Math.abs(tsLoss - wasmLoss) < 1e-4, `step ${step}: loss ${wasmLoss} vs ${tsLoss}`);
    tsNet.backward(labels);
    wasmNet.backward(labels);
    tsNet.applyGradients(settings, 0.01);
    wasmNet.applyGradients(settings, 0.01);
  }
  for (let k = 0; k < tsNet.weights.length; k++) {
    const a = wasmNet.weights[k];
    const b = tsNet.weights[k];
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i] - b[i]) < 1e-4, `weights[${k}][${i}]: ${a[i]} vs ${b[i]}`);
    }
  }
});

// [samples, height, width, channels, kernel, same padding]: the cnn preset's two layers, a
// valid LeNet-style one, a 1x1, and odd sizes whose rows end off a 16-byte boundary.
const CONV_SHAPES: [number, number, number, number, number, boolean][] = [
  [2, 28, 28, 1, 5, true],
  [1, 14, 14, 32, 5, true],
  [2, 14, 14, 6, 5, false],
  [3, 5, 7, 3, 3, true],
  [2, 4, 3, 2, 1, true],
  [1, 6, 5, 3, 3, false],
  [1, 3, 3, 5, 3, true],
  // The fast recipe's conv3x32 over 24 channels (a 24-float tile); 63 channels (tiles of 32,
  // 24 and 4 floats and a 3-float tail) and 14 (8, 4 and 2) in convBackInput and
  // convGradWeights.
  [2, 12, 12, 24, 3, false],
  [1, 5, 5, 63, 3, true],
  [1, 4, 4, 14, 3, true],
];

for (const [samples, height, width, channels, kernel, same] of CONV_SHAPES) {
  for (const shift of [0, 1]) {
    Deno.test(`conv kernels match the TS reference: ${samples} x ${height}x${width}x${channels}, ${kernel}x${kernel} ${same ? "same" : "valid"}, shift ${shift}`, () => {
      const pad = same ? (kernel - 1) / 2 : 0;
      const geometry = {
        height,
        width,
        channels,
        kernel,
        pad,
        outHeight: height + 2 * pad - kernel + 1,
        outWidth: width + 2 * pad - kernel + 1,
      };
      const rows = samples * geometry.outHeight * geometry.outWidth;
      const patch = kernel * kernel * channels;
      // 37 filters run a 32-float tile, a vector and a 1-float tail; 7 a vector and a tail;
      // 30 (with 24 channels) 24 and 4 floats and a 2-float tail; 61: 32, 24, 4 and 1; 20:
      // 16 and 4.
      const special: Record<number, number> = { 24: 30, 63: 61, 14: 20 };
      const filters = special[channels] ?? (shift === 0 ? 37 : 7);
      const lengths = {
        x: samples * height * width * channels,
        col: rows * patch,
        dx: samples * height * width * channels,
        delta: rows * filters,
        dw: filters * patch,
        sums: filters,
        wT: patch * filters,
        bias: filters,
        z: rows * filters,
        zFused: rows * filters,
        scratch: convScratchSize(geometry, filters),
        dxFused: samples * height * width * channels,
        w: filters * patch,
        zeroBias: patch,
        dwFused: filters * patch,
      };
      const rng = new Random(rows * 31 + patch + shift);
      const { views } = layout(ts, lengths, shift, 3);
      fillSparse(views.x, rng, 0.5);
      fillSparse(views.delta, rng, 0.75);
      fillSparse(views.dw, rng, 0);
      fillSparse(views.wT, rng, 0);
      fillSparse(views.bias, rng, 0);
      const wasm = createWasmKernels();
      const wasmViews = layout(wasm, lengths, shift, 3);
      const v = wasmViews.views;
      for (let o = 0; o < filters; o++) {
        for (let i = 0; i < patch; i++) views.w[o * patch + i] = views.wT[i * filters + o];
      }
      for (const name of ["x", "delta", "dw", "wT", "bias", "w"]) v[name].set(views[name]);

      // Patches are copies and col2im adds in the reference's order: both exactly equal.
      v.col.fill(5);
      ts.im2col(views.x, views.col, samples, geometry);
      wasm.im2col(v.x, v.col, samples, geometry);
      assert.deepEqual(v.col, views.col);
      v.dx.fill(5);
      ts.col2im(views.col, views.dx, samples, geometry);
      wasm.col2im(v.col, v.dx, samples, geometry);
      assert.deepEqual(v.dx, views.dx);

      // The fused forward pass sums what im2col + forwardDense sum, in the same order: equal.
      ts.forwardDense(views.col, views.wT, views.bias, views.z, rows, patch, filters);
      ts.convForward(
        views.x,
        views.wT,
        views.bias,
        views.zFused,
        samples,
        geometry,
        filters,
        views.scratch,
      );
      assert.deepEqual(views.zFused, views.z);
      wasm.forwardDense(v.col, v.wT, v.bias, v.z, rows, patch, filters);
      wasm.convForward(v.x, v.wT, v.bias, v.zFused, samples, geometry, filters, v.scratch);
      assert.deepEqual(v.zFused, v.z);
      const zScale = new Float32Array(rows * filters);
      ts.forwardDense(abs(views.col), abs(views.wT), abs(views.bias), zScale, rows, patch, filters);
      assertClose(v.zFused, views.z, zScale, 1e-6, "z");

      // The same without patch rows, on top of the same dw.
      v.dwFused.set(views.dw);
      views.dwFused.set(views.dw);
      ts.convGradWeights(
        views.x,
        views.delta,
        views.dwFused,
        samples,
        geometry,
        filters,
        views.scratch,
      );
      wasm.convGradWeights(v.x, v.delta, v.dwFused, samples, geometry, filters, v.scratch);

      // dw += delta^T · col on top of what dw held; sums = column sums of delta.
      const dwBefore = views.dw.slice();
      ts.addGradWeights(views.delta, views.col, views.dw, rows, filters, patch);
      wasm.addGradWeights(v.delta, v.col, v.dw, rows, filters, patch);
      const dwScale = dwBefore.map(Math.abs);
      ts.addGradWeights(abs(views.delta), abs(views.col), dwScale, rows, filters, patch);
      assertClose(v.dw, views.dw, dwScale, 1e-6, "dw");
      assertClose(views.dwFused, views.dw, dwScale, 1e-6, "dw without patch rows (ts)");
      assertClose(v.dwFused, views.dw, dwScale, 1e-6, "dw without patch rows (wasm)");
      v.sums.fill(5);
      ts.sumRows(views.delta, views.sums, rows, filters);
      wasm.sumRows(v.delta, v.sums, rows, filters);
      const sumScale = new Float32Array(filters);
      ts.sumRows(abs(views.delta), sumScale, rows, filters);
      assertClose(v.sums, views.sums, sumScale, 1e-6, "sums");

      // The input gradient, col2im(delta · W), without patch rows: as the reference computes
      // it through dcol, up to rounding.
      ts.forwardDense(views.delta, views.w, views.zeroBias, views.col, rows, filters, patch);
      ts.col2im(views.col, views.dx, samples, geometry);
      v.dxFused.fill(5);
      ts.convBackInput(
        views.delta,
        views.w,
        views.dxFused,
        samples,
        geometry,
        filters,
        views.scratch,
      );
      wasm.convBackInput(v.delta, v.w, v.dxFused, samples, geometry, filters, v.scratch);
      const dxScale = new Float32Array(views.dx.length);
      ts.convBackInput(
        abs(views.delta),
        abs(views.w),
        dxScale,
        samples,
        geometry,
        filters,
        views.scratch,
      );
      assertClose(views.dxFused, views.dx, dxScale, 1e-6, "dx (ts)");
      assertClose(v.dxFused, views.dx, dxScale, 1e-6, "dx (wasm)");
      assertGapsUntouched(wasmViews.arena, v);
    });
  }
}

Deno.test("a CNN trained with wasm kernels follows the TS-kernel CNN", () => {
  const architecture = parseLayerSpec("conv5x8,pool,conv3x16v,pool,dense32,dropout0.5");
  const tsNet = new Network(architecture, { maxBatch: 8, seed: 3 });
  const wasmNet = new Network(architecture, { maxBatch: 8, seed: 3, kernels: createWasmKernels() });
  const rng = new Random(12);
  const settings = defaultOptimizerSettings("adam");
  for (let step = 0; step < 5; step++) {
    const labels = new Uint8Array(8).map(() => rng.int(10));
    for (let k = 0; k < 8 * 784; k++) {
      const pixel = rng.next() < 0.8 ? 0 : rng.next();
      tsNet.input[k] = pixel;
      wasmNet.input[k] = pixel;
    }
    const tsLoss = tsNet.trainBatch(labels, 8, settings, 0.003).loss;
    const wasmLoss = wasmNet.trainBatch(labels, 8, settings, 0.003).loss;
    assert.ok(Math.abs(tsLoss - wasmLoss) < 1e-4, `step ${step}: loss ${wasmLoss} vs ${tsLoss}`);
  }
  for (let k = 0; k < tsNet.parameters.length; k++) {
    const a = wasmNet.parameters[k].value;
    const b = tsNet.parameters[k].value;
    for (let i = 0; i < a.length; i++) {
      assert.ok(
        Math.abs(a[i] - b[i]) < 1e-4,
        `${tsNet.parameters[k].name}[${i}]: ${a[i]} vs ${b[i]}`,
      );
    }
  }
});

// [batch, height, width, channels]: the cnn preset's two pools, odd sizes (a dropped last
// row or column) and channel counts off a multiple of four.
const POOL_SHAPES: [number, number, number, number][] = [
  [2, 28, 28, 32],
  [2, 14, 14, 64],
  [3, 5, 7, 3],
  [2, 10, 10, 6],
  [1, 2, 3, 5],
];

for (const [batch, height, width, channels] of POOL_SHAPES) {
  Deno.test(`pooling and ReLU kernels equal the TS reference exactly: ${batch} x ${height}x${width}x${channels}`, () => {
    const inSize = batch * height * width * channels;
    const outSize = batch * (height >> 1) * (width >> 1) * channels;
    const lengths = { x: inSize, y: outSize, dy: outSize, dx: inSize, relu: inSize, delta: inSize };
    const rng = new Random(inSize + channels);
    const { views } = layout(ts, lengths, 1, 3);
    // Many exact zeros (ReLU outputs) make ties, -0 included: the first of equals must win.
    for (let k = 0; k < inSize; k++) {
      views.x[k] = rng.next() < 0.4 ? (rng.next() < 0.5 ? 0 : -0) : rng.gaussian();
    }
    fillSparse(views.dy, rng, 0);
    fillSparse(views.delta, rng, 0);
    views.relu.set(views.x);
    const wasm = createWasmKernels();
    const wasmViews = layout(wasm, lengths, 1, 3);
    const v = wasmViews.views;
    for (const name of ["x", "dy", "delta", "relu"]) v[name].set(views[name]);
    v.dx.fill(5);

    ts.maxPool(views.x, views.y, batch, height, width, channels);
    wasm.maxPool(v.x, v.y, batch, height, width, channels);
    assert.deepEqual(v.y, views.y);
    ts.maxPoolGrad(views.x, views.y, views.dy, views.dx, batch, height, width, channels);
    wasm.maxPoolGrad(v.x, v.y, v.dy, v.dx, batch, height, width, channels);
    assert.deepEqual(v.dx, views.dx);
    // Each window passes its gradient to exactly one input.
    let routed = 0;
    for (const g of v.dx) if (g !== 0) routed++;
    assert.equal(routed, outSize);

    ts.relu(views.relu, inSize);
    wasm.relu(v.relu, inSize);
    assert.deepEqual(v.relu, views.relu);
    ts.reluGrad(views.delta, views.relu, inSize);
    wasm.reluGrad(v.delta, v.relu, inSize);
    assert.deepEqual(v.delta, views.delta);
    assertGapsUntouched(wasmViews.arena, v);
  });
}

Deno.test("bytesToUnit gives Math.fround(byte / 255) for every byte, in both modules and TS", () => {
  // Every byte, then 39 zeros: two all-zero rounds of 16 and 7 alone at the end.
  const n = 256 + 39;
  const expected = Float32Array.from({ length: n }, (_, k) => k < 256 ? k / 255 : 0);
  for (const kernels of [ts, createWasmKernels({ fused: false }), createWasmKernels()]) {
    // Bytes at an odd address, values off a 16-byte boundary.
    const arena = kernels.arena(1 + n + 80);
    const bytes = new Uint8Array(arena.buffer, arena.byteOffset + 4 * 1 + 1, n);
    for (let k = 0; k < 256; k++) bytes[k] = k;
    const values = arena.subarray(80, 80 + n).fill(NaN);
    kernels.bytesToUnit(bytes, values, n);
    assert.deepEqual(values, expected, kernels.name);
  }
});

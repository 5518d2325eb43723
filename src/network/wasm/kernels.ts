import { wasmRelaxedSimdSupported, wasmSimdSupported } from "./simd_support.ts";
import { type AdamUpdate, type ConvGeometry, convScratchSize, type Kernels } from "../kernels.ts";
import { kernelsFusedWasmBase64, kernelsWasmBase64 } from "./kernels_wasm.ts";

/** The functions exported by kernels.wat; pointers are byte offsets into its memory. */
interface KernelExports {
  arenaStart: WebAssembly.Global;
  forwardDense(
    x: number,
    w: number,
    bias: number,
    z: number,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  gradDense(
    x: number,
    dz: number,
    dw: number,
    db: number,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  backDense(
    dz: number,
    w: number,
    dx: number,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  addGradWeights(
    x: number,
    dz: number,
    dw: number,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  gradDenseRows(
    x: number,
    dz: number,
    dw: number,
    db: number,
    batch: number,
    inSize: number,
    outSize: number,
    from: number,
    to: number,
    accumulate: number,
  ): void;
  gradDenseHalves(
    x0: number,
    dz0: number,
    rows0: number,
    x1: number,
    dz1: number,
    rows1: number,
    dw: number,
    db: number,
    inSize: number,
    outSize: number,
    from: number,
    to: number,
    adam: number,
    w: number,
    m: number,
    v: number,
    ...adamConstants: AdamConstants
  ): void;
  sumRows(x: number, sums: number, rows: number, cols: number): void;
  im2col(
    x: number,
    col: number,
    samples: number,
    height: number,
    width: number,
    channels: number,
    kernel: number,
    pad: number,
    outHeight: number,
    outWidth: number,
  ): void;
  convForward(
    x: number,
    wT: number,
    bias: number,
    z: number,
    lists: number,
    samples: number,
    height: number,
    width: number,
    channels: number,
    kernel: number,
    pad: number,
    outHeight: number,
    outWidth: number,
    filters: number,
  ): void;
  convBackInput(
    delta: number,
    w: number,
    dx: number,
    lists: number,
    samples: number,
    height: number,
    width: number,
    channels: number,
    kernel: number,
    pad: number,
    outHeight: number,
    outWidth: number,
    filters: number,
  ): void;
  convGradWeights(
    x: number,
    delta: number,
    dw: number,
    scratch: number,
    samples: number,
    height: number,
    width: number,
    channels: number,
    kernel: number,
    pad: number,
    outHeight: number,
    outWidth: number,
    filters: number,
  ): void;
  col2im(
    col: number,
    dx: number,
    samples: number,
    height: number,
    width: number,
    channels: number,
    kernel: number,
    pad: number,
    outHeight: number,
    outWidth: number,
  ): void;
  bytesToUnit(bytes: number, values: number, n: number): void;
  addInto(dst: number, src: number, n: number): void;
  relu(values: number, n: number): void;
  reluGrad(delta: number, activated: number, n: number): void;
  maxPool(
    x: number,
    y: number,
    batch: number,
    height: number,
    width: number,
    channels: number,
  ): void;
  maxPoolGrad(
    x: number,
    y: number,
    dy: number,
    dx: number,
    batch: number,
    height: number,
    width: number,
    channels: number,
  ): void;
  sgdStep(
    param: number,
    grad: number,
    velocity: number,
    n: number,
    lr: number,
    momentum: number,
    weightDecay: number,
  ): void;
  adamStep(
    param: number,
    grad: number,
    m: number,
    v: number,
    n: number,
    ...adamConstants: AdamConstants
  ): void;
}

/** AdamW's constants as the wasm kernels take them (derived in double precision, rounded once). */
type AdamConstants = [
  lr: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  eps: number,
  weightDecay: number,
  invC1: number,
  invC2: number,
];

const PAGE_BYTES = 65536;
/**
 * The kernels may load whole vectors past a row's last float (up to a 16-float tile): keep 64
 * bytes past the arena.
 */
const SLACK_BYTES = 64;

/** Samples `gradDenseHalves` takes in one pass (its lists' room); more go through gradDenseRows. */
const PAIR_LIST_ROWS = 2048;

const compiled: { fused?: WebAssembly.Module; strict?: WebAssembly.Module } = {};

/** The kernel module (fused or strict), compiled on first use and shared by every kernel set. */
function kernelModule(fused: boolean): WebAssembly.Module {
  const flavour = fused ? "fused" : "strict";
  let module = compiled[flavour];
  if (!module) {
    const binary = atob(fused ? kernelsFusedWasmBase64 : kernelsWasmBase64);
    const bytes = new Uint8Array(binary.length);
    for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
    module = compiled[flavour] = new WebAssembly.Module(bytes);
  }
  return module;
}

/** Where the arena starts in the memory: after one 64 KiB scratch slot per thread. */
const ARENA_START = 2 * PAGE_BYTES;

/** Threads that may run kernels on one memory at once (one scratch slot each). */
export const KERNEL_SLOTS = 2;

/** How a wasm kernel set multiplies and adds. */
export interface WasmKernelOptions {
  /**
   * Fused multiply-adds (`f32x4.relaxed_madd`: one rounding where the CPU has FMA, two where
   * it has not), or false: strict IEEE single precision, a multiply then an add, the same
   * bits on every machine. Default: fused where the runtime has relaxed SIMD.
   */
  fused?: boolean;
}

/**
 * Kernels in WebAssembly with 128-bit SIMD. Each call makes its own memory (shared, made by
 * `arena()` at the size asked for), so several networks can coexist; another thread runs on
 * the same memory through `attachWasmKernels`. The caller must check `wasmSimdSupported()`
 * first and fall back to `createTsKernels()` when it is false.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTsKernels } from "../kernels.ts";
 * import { createWasmKernels, wasmSimdSupported } from "./kernels.ts";
 * const kernels = wasmSimdSupported() ? createWasmKernels() : createTsKernels();
 * const arena = kernels.arena(1024); // every buffer passed to kernels is a view into this
 * assert.equal(arena.length, 1024);
 * const strict = wasmSimdSupported() ? createWasmKernels({ fused: false }) : createTsKernels();
 * assert.equal(strict.fused, false);
 * ```
 */
export function createWasmKernels(options: WasmKernelOptions = {}): Kernels {
  const fused = options.fused ?? wasmRelaxedSimdSupported();
  if (fused && !wasmRelaxedSimdSupported()) {
    throw new Error("wasm-simd kernels: this runtime has no relaxed SIMD (fused multiply-add)");
  }
  return wasmKernels(undefined, 0, fused);
}

/**
 * Kernels on a memory another kernel set made (`kernels.memory`), for a second thread: it uses
 * scratch slot `slot` (1), so both may run at once, and must multiply-add as that set does
 * (`fused`, that set's `fused`). `arena(length)` returns the same floats the first set's
 * `arena(length)` did, without zeroing them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { attachWasmKernels, createWasmKernels, wasmSimdSupported } from "./kernels.ts";
 * if (wasmSimdSupported()) {
 *   const first = createWasmKernels();
 *   first.arena(8).fill(2);
 *   const second = attachWasmKernels(first.memory!, 1, first.fused);
 *   assert.equal(second.arena(8)[7], 2);
 * }
 * ```
 */
export function attachWasmKernels(
  memory: WebAssembly.Memory,
  slot: number,
  fused: boolean,
): Kernels {
  if (!Number.isInteger(slot) || slot < 1 || slot >= KERNEL_SLOTS) {
    throw new RangeError(`wasm-simd kernels: slot must be 1..${KERNEL_SLOTS - 1}, got ${slot}`);
  }
  return wasmKernels(memory, slot, fused);
}

function wasmKernels(
  attached: WebAssembly.Memory | undefined,
  slot: number,
  fused: boolean,
): Kernels {
  // The instance is made by arena(), once the memory's size is known.
  let wasm = {} as KernelExports;
  const arenaStart = ARENA_START;
  let arenaBuffer: ArrayBufferLike | undefined;
  let memory: WebAssembly.Memory | undefined;

  /** Byte offset of `view` in wasm memory, after checking it is in the arena and long enough. */
  function offsetOf(view: Float32Array | Uint8Array, length: number, role: string): number {
    if (view.buffer !== arenaBuffer) {
      throw new Error(`wasm-simd kernels: ${role} is not a view into this kernel set's arena`);
    }
    if (view.length < length) {
      throw new Error(`wasm-simd kernels: ${role} has ${view.length} floats, needs ${length}`);
    }
    return view.byteOffset;
  }

  return {
    name: fused ? "wasm-simd-fma" : "wasm-simd",
    fused,
    get memory() {
      return memory;
    },
    arena(length) {
      if (arenaBuffer) {
        // Growing memory again would detach every view handed out so far.
        throw new Error("wasm-simd kernels: arena() may be called only once per kernel set");
      }
      if (!Number.isSafeInteger(length) || length < 0) {
        throw new RangeError(
          `wasm-simd kernels: arena length must be a whole number, got ${length}`,
        );
      }
      const pages = Math.ceil((arenaStart + 4 * length + SLACK_BYTES) / PAGE_BYTES);
      if (attached && attached.buffer.byteLength < pages * PAGE_BYTES) {
        throw new RangeError(
          `wasm-simd kernels: the shared memory is too small for ${length} floats`,
        );
      }
      // A shared memory never grows here: its size is fixed once, so no view ever detaches.
      memory = attached ?? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
      const env = { memory, scratch: new WebAssembly.Global({ value: "i32" }, slot * PAGE_BYTES) };
      wasm = new WebAssembly.Instance(kernelModule(fused), { env })
        .exports as unknown as KernelExports;
      if ((wasm.arenaStart.value as number) !== arenaStart) {
        throw new Error("wasm-simd kernels: kernels_wasm.ts is out of date (arenaStart)");
      }
      arenaBuffer = memory.buffer;
      return new Float32Array(arenaBuffer, arenaStart, length);
    },
    forwardDense(x, w, bias, z, batch, inSize, outSize) {
      wasm.forwardDense(
        offsetOf(x, batch * inSize, "x"),
        offsetOf(w, inSize * outSize, "w"),
        offsetOf(bias, outSize, "bias"),
        offsetOf(z, batch * outSize, "z"),
        batch,
        inSize,
        outSize,
      );
    },
    gradDense(x, dz, dw, db, batch, inSize, outSize) {
      wasm.gradDense(
        offsetOf(x, batch * inSize, "x"),
        offsetOf(dz, batch * outSize, "dz"),
        offsetOf(dw, inSize * outSize, "dw"),
        offsetOf(db, outSize, "db"),
        batch,
        inSize,
        outSize,
      );
    },
    backDense(dz, w, dx, batch, inSize, outSize) {
      wasm.backDense(
        offsetOf(dz, batch * outSize, "dz"),
        offsetOf(w, inSize * outSize, "w"),
        offsetOf(dx, batch * inSize, "dx"),
        batch,
        inSize,
        outSize,
      );
    },
    addGradWeights(x, dz, dw, batch, inSize, outSize) {
      wasm.addGradWeights(
        offsetOf(x, batch * inSize, "x"),
        offsetOf(dz, batch * outSize, "dz"),
        offsetOf(dw, inSize * outSize, "dw"),
        batch,
        inSize,
        outSize,
      );
    },
    gradDenseHalves(x0, dz0, rows0, x1, dz1, rows1, dw, db, inSize, outSize, from, to, adam) {
      if (
        !(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= inSize)
      ) {
        throw new RangeError(`wasm-simd kernels: rows ${from}..${to} of a ${inSize}-row gradient`);
      }
      const size = inSize * outSize;
      const [x0At, dz0At] = [
        offsetOf(x0, rows0 * inSize, "x0"),
        offsetOf(dz0, rows0 * outSize, "dz0"),
      ];
      const [x1At, dz1At] = rows1 > 0
        ? [offsetOf(x1, rows1 * inSize, "x1"), offsetOf(dz1, rows1 * outSize, "dz1")]
        : [0, 0];
      const [dwAt, dbAt] = [offsetOf(dw, size, "dw"), db ? offsetOf(db, outSize, "db") : 0];
      const [wAt, mAt, vAt] = adam
        ? [
          offsetOf(adam.param, size, "param"),
          offsetOf(adam.m, size, "m"),
          offsetOf(adam.v, size, "v"),
        ]
        : [0, 0, 0];
      const constants = adam ? adamConstants(adam) : NO_ADAM;
      if (rows0 + rows1 <= PAIR_LIST_ROWS) {
        wasm.gradDenseHalves(
          x0At,
          dz0At,
          rows0,
          x1At,
          dz1At,
          rows1,
          dwAt,
          dbAt,
          inSize,
          outSize,
          from,
          to,
          adam ? 1 : 0,
          wAt,
          mAt,
          vAt,
          constants[0],
          constants[1],
          constants[2],
          constants[3],
          constants[4],
          constants[5],
          constants[6],
          constants[7],
          constants[8],
        );
        return;
      }
      // A batch too large for the lists: each half's pass, then the step (the same bits).
      wasm.gradDenseRows(x0At, dz0At, dwAt, dbAt, rows0, inSize, outSize, from, to, 0);
      if (rows1 > 0) {
        wasm.gradDenseRows(x1At, dz1At, dwAt, dbAt, rows1, inSize, outSize, from, to, 1);
      }
      if (!adam) return;
      const skip = 4 * from * outSize;
      const c = constants;
      wasm.adamStep(
        wAt + skip,
        dwAt + skip,
        mAt + skip,
        vAt + skip,
        (to - from) * outSize,
        c[0],
        c[1],
        c[2],
        c[3],
        c[4],
        c[5],
        c[6],
        c[7],
        c[8],
      );
    },
    sumRows(x, sums, rows, cols) {
      wasm.sumRows(offsetOf(x, rows * cols, "x"), offsetOf(sums, cols, "sums"), rows, cols);
    },
    im2col(x, col, samples, g) {
      checkGeometry(g);
      wasm.im2col(
        offsetOf(x, samples * imageSize(g), "x"),
        offsetOf(col, samples * patchesSize(g), "col"),
        samples,
        g.height,
        g.width,
        g.channels,
        g.kernel,
        g.pad,
        g.outHeight,
        g.outWidth,
      );
    },
    convForward(x, wT, bias, z, samples, g, filters, scratch) {
      checkGeometry(g);
      const patch = g.kernel * g.kernel * g.channels;
      wasm.convForward(
        offsetOf(x, samples * imageSize(g), "x"),
        offsetOf(wT, patch * filters, "wT"),
        offsetOf(bias, filters, "bias"),
        offsetOf(z, samples * g.outHeight * g.outWidth * filters, "z"),
        offsetOf(scratch, convScratchSize(g, filters), "scratch"),
        samples,
        g.height,
        g.width,
        g.channels,
        g.kernel,
        g.pad,
        g.outHeight,
        g.outWidth,
        filters,
      );
    },
    convBackInput(delta, w, dx, samples, g, filters, scratch) {
      checkGeometry(g);
      wasm.convBackInput(
        offsetOf(delta, samples * g.outHeight * g.outWidth * filters, "delta"),
        offsetOf(w, filters * g.kernel * g.kernel * g.channels, "w"),
        offsetOf(dx, samples * imageSize(g), "dx"),
        offsetOf(scratch, convScratchSize(g, filters), "scratch"),
        samples,
        g.height,
        g.width,
        g.channels,
        g.kernel,
        g.pad,
        g.outHeight,
        g.outWidth,
        filters,
      );
    },
    convGradWeights(x, delta, dw, samples, g, filters, scratch) {
      checkGeometry(g);
      wasm.convGradWeights(
        offsetOf(x, samples * imageSize(g), "x"),
        offsetOf(delta, samples * g.outHeight * g.outWidth * filters, "delta"),
        offsetOf(dw, filters * g.kernel * g.kernel * g.channels, "dw"),
        offsetOf(scratch, convScratchSize(g, filters), "scratch"),
        samples,
        g.height,
        g.width,
        g.channels,
        g.kernel,
        g.pad,
        g.outHeight,
        g.outWidth,
        filters,
      );
    },
    col2im(col, dx, samples, g) {
      checkGeometry(g);
      wasm.col2im(
        offsetOf(col, samples * patchesSize(g), "col"),
        offsetOf(dx, samples * imageSize(g), "dx"),
        samples,
        g.height,
        g.width,
        g.channels,
        g.kernel,
        g.pad,
        g.outHeight,
        g.outWidth,
      );
    },
    bytesToUnit(bytes, values, n) {
      wasm.bytesToUnit(offsetOf(bytes, n, "bytes"), offsetOf(values, n, "values"), n);
    },
    addInto(dst, src, n) {
      wasm.addInto(offsetOf(dst, n, "dst"), offsetOf(src, n, "src"), n);
    },
    relu(values, n) {
      wasm.relu(offsetOf(values, n, "values"), n);
    },
    reluGrad(delta, activated, n) {
      wasm.reluGrad(offsetOf(delta, n, "delta"), offsetOf(activated, n, "activated"), n);
    },
    maxPool(x, y, batch, height, width, channels) {
      const inSize = batch * height * width * channels;
      const outSize = batch * (height >> 1) * (width >> 1) * channels;
      wasm.maxPool(
        offsetOf(x, inSize, "x"),
        offsetOf(y, outSize, "y"),
        batch,
        height,
        width,
        channels,
      );
    },
    maxPoolGrad(x, y, dy, dx, batch, height, width, channels) {
      const inSize = batch * height * width * channels;
      const outSize = batch * (height >> 1) * (width >> 1) * channels;
      wasm.maxPoolGrad(
        offsetOf(x, inSize, "x"),
        offsetOf(y, outSize, "y"),
        offsetOf(dy, outSize, "dy"),
        offsetOf(dx, inSize, "dx"),
        batch,
        height,
        width,
        channels,
      );
    },
    sgdStep(param, grad, velocity, lr, momentum, weightDecay) {
      const n = param.length;
      wasm.sgdStep(
        offsetOf(param, n, "param"),
        offsetOf(grad, n, "grad"),
        offsetOf(velocity, n, "velocity"),
        n,
        lr,
        momentum,
        weightDecay,
      );
    },
    adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, correction1, correction2) {
      const n = param.length;
      // Derived in double precision, as the TS reference does, then rounded once to f32.
      wasm.adamStep(
        offsetOf(param, n, "param"),
        offsetOf(grad, n, "grad"),
        offsetOf(m, n, "m"),
        offsetOf(v, n, "v"),
        n,
        lr,
        beta1,
        1 - beta1,
        beta2,
        1 - beta2,
        eps,
        weightDecay,
        1 / correction1,
        1 / correction2,
      );
    },
  };
}

const NO_ADAM: AdamConstants = [0, 0, 0, 0, 0, 0, 0, 0, 0];

/** AdamW's numbers as the kernels take them: derived in double precision, as adamStep's. */
function adamConstants(a: AdamUpdate): AdamConstants {
  return [
    a.lr,
    a.beta1,
    1 - a.beta1,
    a.beta2,
    1 - a.beta2,
    a.eps,
    a.weightDecay,
    1 / a.correction1,
    1 / a.correction2,
  ];
}

/** Floats of one image, and of one image's patch rows. */
const imageSize = (g: ConvGeometry) => g.height * g.width * g.channels;
const patchesSize = (g: ConvGeometry) =>
  g.outHeight * g.outWidth * g.kernel * g.kernel * g.channels;

/** Throws unless the geometry is whole and consistent (the wat code trusts it). */
function checkGeometry(g: ConvGeometry): void {
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  if (
    !(whole(g.height) && whole(g.width) && whole(g.channels) && whole(g.kernel) &&
      whole(g.pad) && g.kernel >= 1 && 2 * g.pad < g.kernel + 1) ||
    g.outHeight !== g.height + 2 * g.pad - g.kernel + 1 ||
    g.outWidth !== g.width + 2 * g.pad - g.kernel + 1
  ) throw new RangeError(`wasm-simd kernels: inconsistent convolution ${JSON.stringify(g)}`);
}

// Where the kernels run is asked here too (simd_support.ts says how it is found out).
export { wasmRelaxedSimdSupported, wasmSimdSupported };

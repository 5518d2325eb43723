/**
 * Where the time of a training batch goes: a `Kernels` set wrapped so that every call is timed
 * and counted per kernel and shape, with the floating-point work each call does, for `bench`'s
 * table of each kernel's GFLOP/s and share of a batch.
 *
 * GFLOP/s count the work of the dense computation, zeros included (2 per multiply-add), as
 * src/network/wasm/kernels_bench.ts does: the kernels skip zero inputs, so a sparse batch shows
 * more than the machine's peak, and the figure compares directly with a dense BLAS's.
 *
 * @module
 */
import type { ConvGeometry, Kernels } from "../src/network/kernels.ts";
import process from "node:process";

/** The time and work of one kernel on one shape, summed over the calls made. */
export interface KernelTime {
  /** The kernel and its shape, e.g. "forwardDense 784->128" or "convForward 14x14x32 5x5->64". */
  name: string;
  calls: number;
  seconds: number;
  /** Floating-point operations of the calls (dense-equivalent), 0 for pure data movement. */
  flops: number;
}

/** A kernel set that times itself; `take()` returns what was timed since the last `take()`. */
export interface ProfiledKernels {
  kernels: Kernels;
  take(): KernelTime[];
}

type Args = unknown[];
const n = (value: unknown) => value as number;
const geometryOf = (value: unknown) => value as ConvGeometry;
const length = (value: unknown) => (value as Float32Array).length;

/** A kernel's name with its shape, and its flops, from the call's arguments. */
const DESCRIBE: Record<string, (args: Args) => [string, number]> = {
  forwardDense: (a) => dense("forwardDense", a[4], a[5], a[6], "->"),
  gradDense: (a) => dense("gradDense", a[4], a[5], a[6], "->"),
  backDense: (a) => dense("backDense", a[3], a[4], a[5], "<-"),
  addGradWeights: (a) => dense("addGradWeights", a[3], a[4], a[5], "->"),
  // Rows [from, to) of a dense weight gradient over both halves of a batch, with Adam on them
  // when given: named by the whole layer, work of its rows (Adam's counted as adamStep's).
  gradDenseHalves: (a) => {
    const rows = (n(a[11]) - n(a[10])) * n(a[9]);
    const adam = a[12] !== undefined;
    return [
      `gradDenseHalves${adam ? "+adam" : ""} ${n(a[8])}->${n(a[9])}`,
      2 * (n(a[2]) + n(a[5])) * rows + (adam ? 16 * rows : 0),
    ];
  },
  sumRows: (a) => [`sumRows x${n(a[3])}`, n(a[2]) * n(a[3])],
  im2col: (a) => [`im2col ${conv(geometryOf(a[3]))}`, 0],
  col2im: (a) => [`col2im ${conv(geometryOf(a[3]))}`, 0],
  convForward: (a) => convolution("convForward", a[4], a[5], a[6]),
  convBackInput: (a) => convolution("convBackInput", a[3], a[4], a[5]),
  convGradWeights: (a) => convolution("convGradWeights", a[3], a[4], a[5]),
  addInto: (a) => [`addInto n=${n(a[2])}`, n(a[2])],
  bytesToUnit: (a) => [`bytesToUnit n=${n(a[2])}`, 0],
  relu: (a) => [`relu n=${n(a[1])}`, n(a[1])],
  reluGrad: (a) => [`reluGrad n=${n(a[2])}`, n(a[2])],
  maxPool: (a) => [`maxPool ${n(a[3])}x${n(a[4])}x${n(a[5])}`, 0],
  maxPoolGrad: (a) => [`maxPoolGrad ${n(a[5])}x${n(a[6])}x${n(a[7])}`, 0],
  sgdStep: (a) => [`sgdStep n=${length(a[0])}`, 6 * length(a[0])],
  adamStep: (a) => [`adamStep n=${length(a[0])}`, 16 * length(a[0])],
};

function dense(kernel: string, batch: unknown, inSize: unknown, outSize: unknown, arrow: string) {
  return [`${kernel} ${n(inSize)}${arrow}${n(outSize)}`, 2 * n(batch) * n(inSize) * n(outSize)] as [
    string,
    number,
  ];
}

function conv(g: ConvGeometry): string {
  return `${g.height}x${g.width}x${g.channels} ${g.kernel}x${g.kernel}${g.pad ? " same" : ""}`;
}

function convolution(kernel: string, samples: unknown, geometry: unknown, filters: unknown) {
  const g = geometryOf(geometry);
  const macs = n(samples) * g.outHeight * g.outWidth * g.kernel * g.kernel * g.channels *
    n(filters);
  return [`${kernel} ${conv(g)}->${n(filters)}`, 2 * macs] as [string, number];
}

/**
 * This process's CPU time in seconds (all its threads; a profile runs on one). On a machine
 * shared with other programs a kernel's wall time counts the time the scheduler gave them,
 * its CPU time does not. About a microsecond a reading (a system call).
 */
export function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * Wraps `kernels` so that each call of a kernel is timed by `clock` (seconds; default the
 * wall clock, performance.now(), well under a microsecond a reading, against the tens to
 * thousands of microseconds a kernel takes; `cpuSeconds` for a shared machine).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTsKernels } from "../src/network/kernels.ts";
 * import { profileKernels } from "./kernel_profile.ts";
 * const { kernels, take } = profileKernels(createTsKernels());
 * const arena = kernels.arena(8);
 * kernels.relu(arena, 8);
 * kernels.relu(arena, 8);
 * const [relu] = take();
 * assert.deepEqual([relu.name, relu.calls, relu.flops], ["relu n=8", 2, 16]);
 * assert.deepEqual(take(), []);
 * ```
 */
export function profileKernels(
  inner: Kernels,
  clock: () => number = () => performance.now() / 1000,
): ProfiledKernels {
  let times = new Map<string, KernelTime>();
  const kernels = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      const describe = typeof property === "string" ? DESCRIBE[property] : undefined;
      if (!describe || typeof value !== "function") return value;
      return (...args: Args) => {
        const start = clock();
        value.apply(target, args);
        const seconds = clock() - start;
        const [name, flops] = describe(args);
        const entry = times.get(name) ?? { name, calls: 0, seconds: 0, flops: 0 };
        entry.calls++;
        entry.seconds += seconds;
        entry.flops += flops;
        times.set(name, entry);
      };
    },
  });
  return {
    kernels,
    take() {
      const taken = [...times.values()];
      times = new Map();
      return taken;
    },
  };
}

/**
 * WebAssembly SIMD implementations of the network kernels (`Kernels` in ../kernels.ts),
 * hand-written in kernels.wat and shipped pre-assembled in kernels_wasm.ts (rebuild with
 * `deno run --allow-read --allow-write src/network/wasm/build.ts`).
 *
 * @example
 * ```ts
 * import { createWasmKernels, wasmSimdSupported } from "./mod.ts";
 * import { createTsKernels } from "../kernels.ts";
 * const kernels = wasmSimdSupported() ? createWasmKernels() : createTsKernels();
 * ```
 */
export {
  attachWasmKernels,
  createWasmKernels,
  wasmRelaxedSimdSupported,
  wasmSimdSupported,
} from "./kernels.ts";

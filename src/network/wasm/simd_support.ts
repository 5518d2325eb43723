/**
 * Whether this runtime runs the kernels: WebAssembly SIMD (required), and relaxed SIMD (fused
 * multiply-adds; without it the kernels run strict). Each is found by validating a tiny module.
 *
 * @module
 */

/**
 * A minimal module using a v128 instruction:
 * (module (func (result v128) (v128.const i32x4 0 0 0 0)))
 */
const SIMD_PROBE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c], // code section: no locals, v128.const
  ...new Array(16).fill(0),
  0x0b, // end
]);

/**
 * Whether this runtime accepts WebAssembly SIMD, by validating a tiny SIMD module.
 *
 * @example
 * ```ts
 * import { createTsKernels } from "../kernels.ts";
 * import { createWasmKernels } from "./kernels.ts";
 * import { wasmSimdSupported } from "./simd_support.ts";
 * const kernels = wasmSimdSupported() ? createWasmKernels() : createTsKernels();
 * ```
 */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * A minimal module using relaxed SIMD:
 * (module (func (param v128 v128 v128) (result v128)
 *   (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))
 */
const RELAXED_SIMD_PROBE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b], // (v128 v128 v128) -> v128
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, 0x0d, 0x01, 0x0b, 0x00], // code section: one body of 11 bytes, no locals
  ...[0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b], // f32x4.relaxed_madd, end
]);

let relaxedSupported: boolean | undefined;

/**
 * Whether this runtime accepts WebAssembly relaxed SIMD (`f32x4.relaxed_madd`), by validating
 * a tiny module once; without it the kernels run strict.
 *
 * @example
 * ```ts
 * import { createWasmKernels } from "./kernels.ts";
 * import { wasmRelaxedSimdSupported } from "./simd_support.ts";
 * const kernels = createWasmKernels({ fused: wasmRelaxedSimdSupported() });
 * ```
 */
export function wasmRelaxedSimdSupported(): boolean {
  if (relaxedSupported === undefined) {
    try {
      relaxedSupported = typeof WebAssembly === "object" &&
        WebAssembly.validate(RELAXED_SIMD_PROBE);
    } catch {
      relaxedSupported = false;
    }
  }
  return relaxedSupported;
}

import { createTsKernels, type Kernels } from "./kernels.ts";
import { createWasmKernels, wasmRelaxedSimdSupported, wasmSimdSupported } from "./wasm/kernels.ts";

/** Which kernel implementation to use: the fastest available, or one asked for by name. */
export type KernelChoice = "auto" | "ts" | "wasm";

/**
 * Whether kernels must be strict (no fused multiply-adds: the same bits on any machine):
 * `strictMath` when given, else whether the environment says DIGITS_STRICT_MATH=1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isStrictMath } from "./select_kernels.ts";
 * assert.equal(isStrictMath(true), true);
 * ```
 */
export function isStrictMath(strictMath?: boolean): boolean {
  return strictMath ?? envValue("DIGITS_STRICT_MATH") === "1";
}

/**
 * Kernels for a new network: WebAssembly SIMD where the runtime supports it (several times
 * faster), with fused multiply-adds where it has relaxed SIMD and math is not strict
 * (`isStrictMath(options.strictMath)`), else the TypeScript reference.
 * `DIGITS_KERNELS=ts|wasm` overrides "auto".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectKernels } from "./select_kernels.ts";
 * assert.equal(selectKernels("ts").name, "ts");
 * assert.equal(selectKernels("wasm", { strictMath: true }).fused, false);
 * ```
 */
export function selectKernels(
  choice: KernelChoice = "auto",
  options: { strictMath?: boolean } = {},
): Kernels {
  let wanted = choice;
  if (wanted === "auto") {
    const fromEnv = envValue("DIGITS_KERNELS");
    if (fromEnv === "ts" || fromEnv === "wasm") wanted = fromEnv;
  }
  if (wanted === "ts") return createTsKernels();
  if (wanted === "wasm" || wasmSimdSupported()) {
    const fused = !isStrictMath(options.strictMath) && wasmRelaxedSimdSupported();
    return createWasmKernels({ fused });
  }
  return createTsKernels();
}

function envValue(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: the default applies
  }
}

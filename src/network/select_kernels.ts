import { createTsKernels, type Kernels } from "./kernels.ts";
import { createWasmKernels, wasmRelaxedSimdSupported, wasmSimdSupported } from "./wasm/kernels.ts";

/** Which kernel implementation to use: the fastest available, or one asked for by name. */
export type KernelChoice = "auto" | "ts" | "wasm";

/**
 * Strict math for every kernel set made from now on (`--strict-math`): no fused multiply-adds,
 * so a recorded command gives the same bits on any machine. `DIGITS_STRICT_MATH=1` does the
 * same from the environment.
 */
let strictMath = false;

/**
 * Asks for strict (unfused) kernels from now on, or again for the fastest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectKernels, setStrictMath } from "./select_kernels.ts";
 * setStrictMath(true);
 * assert.equal(selectKernels().fused, false);
 * setStrictMath(false);
 * ```
 */
export function setStrictMath(strict: boolean): void {
  strictMath = strict;
}

/** Whether kernels are strict: `setStrictMath(true)` or `DIGITS_STRICT_MATH=1`. */
export function isStrictMath(): boolean {
  return strictMath || envValue("DIGITS_STRICT_MATH") === "1";
}

/**
 * Kernels for a new network: WebAssembly SIMD where the runtime supports it (several times
 * faster), with fused multiply-adds where it has relaxed SIMD and math is not strict
 * (`isStrictMath`), else the TypeScript reference. `DIGITS_KERNELS=ts|wasm` overrides "auto".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectKernels } from "./select_kernels.ts";
 * assert.equal(selectKernels("ts").name, "ts");
 * ```
 */
export function selectKernels(choice: KernelChoice = "auto"): Kernels {
  let wanted = choice;
  if (wanted === "auto") {
    const fromEnv = envValue("DIGITS_KERNELS");
    if (fromEnv === "ts" || fromEnv === "wasm") wanted = fromEnv;
  }
  if (wanted === "ts") return createTsKernels();
  if (wanted === "wasm" || wasmSimdSupported()) {
    return createWasmKernels({ fused: !isStrictMath() && wasmRelaxedSimdSupported() });
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

import { createTsKernels, type Kernels } from "./kernels.ts";
import { createWasmKernels, wasmSimdSupported } from "./wasm/kernels.ts";

/** Which kernel implementation to use: the fastest available, or one asked for by name. */
export type KernelChoice = "auto" | "ts" | "wasm";

/**
 * Kernels for a new network: WebAssembly SIMD where the runtime supports it (several times
 * faster), else the TypeScript reference. `DIGITS_KERNELS=ts|wasm` overrides "auto".
 */
export function selectKernels(choice: KernelChoice = "auto"): Kernels {
  let wanted = choice;
  if (wanted === "auto") {
    const fromEnv = envChoice();
    if (fromEnv) wanted = fromEnv;
  }
  if (wanted === "ts") return createTsKernels();
  if (wanted === "wasm" || wasmSimdSupported()) return createWasmKernels();
  return createTsKernels();
}

function envChoice(): KernelChoice | undefined {
  try {
    const value = Deno.env.get("DIGITS_KERNELS");
    return value === "ts" || value === "wasm" ? value : undefined;
  } catch {
    return undefined; // no --allow-env: the default applies
  }
}

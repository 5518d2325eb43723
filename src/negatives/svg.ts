/**
 * SVG to ink, through resvg (the Rust SVG renderer compiled to WebAssembly, npm
 * `@resvg/resvg-wasm`, MPL-2.0; used as a library, unmodified). Its .wasm file is read from the
 * npm package Deno fetched, once per process.
 */
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import type { InkMap } from "./raster.ts";

let ready: Promise<void> | undefined;

/** Loads resvg's WebAssembly once; later calls wait for the same load. */
export function loadSvgRenderer(): Promise<void> {
  ready ??= (async () => {
    const wasm = new URL("index_bg.wasm", import.meta.resolve("@resvg/resvg-wasm"));
    await initWasm(await Deno.readFile(wasm));
  })();
  return ready;
}

/**
 * Renders an SVG document (which sets its own width and height) to ink coverage: the alpha of
 * whatever it draws, 0..1. Call {@linkcode loadSvgRenderer} first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSvgRenderer, renderSvgInk } from "./svg.ts";
 *
 * await loadSvgRenderer();
 * const map = renderSvgInk(
 *   `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">` +
 *     `<rect x="0" y="0" width="5" height="10" fill="black"/></svg>`,
 * );
 * assert.deepEqual([map.width, map.height, map.ink[0], map.ink[9]], [10, 10, 1, 0]);
 * ```
 */
export function renderSvgInk(svg: string): InkMap {
  const resvg = new Resvg(svg);
  const image = resvg.render();
  const { width, height } = image;
  const rgba = image.pixels;
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i + 3] / 255;
  image.free();
  resvg.free();
  return { width, height, ink };
}

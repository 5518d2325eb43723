/**
 * The HTTP front end: `serve` classifies images sent over HTTP with the same code path as the
 * `classify` command (src/app). Like the command line and the menu it sits on top: it may use
 * app, train, image, model, network, data and text, never cli or tui.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../app/load_model.ts";
 * import { digitsHandler } from "./mod.ts";
 *
 * const model = await loadModelOrRandom("models/pretrained.safetensors", 1);
 * const handle = digitsHandler(model, { maxBytes: 100, timeoutMs: 1000 });
 * const big = new Request("http://localhost/classify", { method: "POST", body: "x".repeat(101) });
 * assert.equal((await handle(big)).status, 413);
 * ```
 *
 * @module
 */
export { digitsHandler, RAW_BODY_NAME } from "./handler.ts";
export { type BodyLimits, HttpError, readBodyCapped } from "./request_body.ts";
export { type RunningServer, serveDigits, type ServeOptions } from "./serve.ts";

/**
 * The server's routes as one fetch handler, `(Request) => Promise<Response>`: what `serve`
 * hands to Deno.serve, and what the fuzzer calls directly. Every answer is JSON; nothing a
 * client sends makes it throw.
 *
 * - `GET /`: the web page to draw or upload a digit (src/server/page/), with `/page.css` and
 *   `/page.js`.
 * - `POST /classify`: a PNG or JPEG as the raw body, or `multipart/form-data` with one file;
 *   answers what `classify --json` prints for one file (200), `{file, error}` with 400 when the
 *   body is not an image and 422 when the image holds no digit. With `?pixels=1` the answer
 *   also holds `pixels`: the 784 values (28x28, 0..1, ink bright) the network saw. With
 *   `?number=1` the image is read as a number, one per row: what `classify --number --json`
 *   prints (`numberJson`), each digit with its `pixels` when `?pixels=1` is given too.
 * - `GET /health`: `{status: "ok", model}`.
 * - `GET /model`: what `info --json` prints.
 */
import { classifyImage } from "../app/classify_image.ts";
import { classificationJson, modelInfoJson } from "../app/json_reports.ts";
import { numberJson, readNumber } from "../app/read_number.ts";
import type { LoadedModel } from "../app/load_model.ts";
import { loadPage } from "./page.ts";
import { type BodyLimits, HttpError, readBodyCapped } from "./request_body.ts";

/** The name a raw (not multipart) body goes by in the answer's `file`. */
export const RAW_BODY_NAME = "body";

/**
 * The request handler for `model`, with `limits` on every request body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../app/load_model.ts";
 * import { digitsHandler } from "./handler.ts";
 *
 * const model = await loadModelOrRandom("models/pretrained.safetensors", 1);
 * const handle = digitsHandler(model, { maxBytes: 1_000_000, timeoutMs: 5000 });
 * const ring = await Deno.readFile("src/image/testdata/ring_baseline.jpg");
 * const response = await handle(
 *   new Request("http://localhost/classify", { method: "POST", body: ring }),
 * );
 * assert.equal(response.status, 200);
 * assert.equal((await response.json()).digit, 0);
 * ```
 */
export function digitsHandler(
  model: LoadedModel,
  limits: BodyLimits,
): (request: Request) => Promise<Response> {
  const info = modelInfoJson(model);
  const page = loadPage();
  return async (request) => {
    const path = new URL(request.url).pathname;
    try {
      const file = page.get(path);
      if (file) {
        if (request.method !== "GET" && request.method !== "HEAD") throw methodNotAllowed("GET");
        return new Response(request.method === "HEAD" ? null : file.body, {
          headers: file.headers,
        });
      }
      if (path === "/classify") {
        if (request.method !== "POST") throw methodNotAllowed("POST");
        return await classify(request, model, limits);
      }
      if (path === "/health" || path === "/model") {
        if (request.method !== "GET" && request.method !== "HEAD") throw methodNotAllowed("GET");
        return json(200, path === "/health" ? { status: "ok", model: model.path } : info);
      }
      throw new HttpError(
        404,
        `no such path ${path}: try GET /, POST /classify, GET /health, GET /model`,
      );
    } catch (error) {
      if (error instanceof HttpError) {
        return json(error.status, { error: error.message }, error.headers);
      }
      throw error; // a bug: Deno.serve's onError answers 500 and logs it
    }
  };
}

async function classify(
  request: Request,
  model: LoadedModel,
  limits: BodyLimits,
): Promise<Response> {
  const body = await readBodyCapped(request, limits);
  const upload = await imageOf(request, body);
  const wantsPixels = new URL(request.url).searchParams.get("pixels") === "1";
  if (new URL(request.url).searchParams.has("number")) {
    const reading = await readNumber(upload, model.network);
    const answer = numberJson(reading);
    const status = reading.number !== undefined ? 200 : reading.image ? 422 : 400;
    if (!wantsPixels) return json(status, answer);
    // Each digit with the 28x28 the network read it from.
    const digits = answer.digits.map((digit, k) => ({
      ...digit,
      pixels: pixelsJson(reading.digits[k].normalized),
    }));
    return json(status, { ...answer, digits });
  }
  const result = await classifyImage(upload, model.network);
  const answer = classificationJson(result);
  // Decoded but blank (no digit found) is the client's image, not a broken request.
  const status = "digit" in answer ? 200 : result.image ? 422 : 400;
  if (wantsPixels && result.normalized) {
    return json(status, { ...answer, pixels: pixelsJson(result.normalized) });
  }
  return json(status, answer);
}

/** The image bytes and name of a body: the one file of a multipart form, else the body. */
async function imageOf(
  request: Request,
  body: Uint8Array<ArrayBuffer>,
): Promise<{ bytes: Uint8Array; name: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) return { bytes: body, name: RAW_BODY_NAME };
  let form: FormData;
  try {
    // The body is already in memory and capped: parsing it cannot read more from the client.
    form = await new Response(body, { headers: { "content-type": type } }).formData();
  } catch (error) {
    throw new HttpError(
      400,
      `not a readable multipart/form-data body (${(error as Error).message})`,
    );
  }
  const files = [...form.values()].filter((value): value is File => value instanceof File);
  if (files.length !== 1) {
    throw new HttpError(400, `expected one file in the form, got ${files.length}`);
  }
  return { bytes: new Uint8Array(await files[0].arrayBuffer()), name: files[0].name || "upload" };
}

/** 784 values 0..1 to three decimals: what a page needs to draw them, in a third of the text. */
function pixelsJson(pixels: Float32Array): number[] {
  return Array.from(pixels, (value) => Math.round(value * 1000) / 1000);
}

function methodNotAllowed(allow: string): HttpError {
  return new HttpError(405, `use ${allow} here`, { allow });
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * Reading a request body without trusting the client: a size cap checked on Content-Length
 * before a byte is read and counted while streaming (chunked bodies have no length), and a
 * deadline, so a client that sends slowly or stops sending cannot hold a request forever.
 */

/** A request the server refuses, with the HTTP status and a one-line reason for the JSON. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    /** Headers the answer needs (`allow` for 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Limits on one body. */
export interface BodyLimits {
  /** Largest body accepted, in bytes: 413 beyond. */
  maxBytes: number;
  /** Time allowed for the whole body to arrive, in ms: 408 after. */
  timeoutMs: number;
}

/**
 * The whole body of `request`, within `limits`; throws HttpError 413 (too large: refused from
 * Content-Length alone when the client announces it) or 408 (not sent in time). The stream is
 * cancelled on refusal, so nothing more of it is buffered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBodyCapped } from "./request_body.ts";
 *
 * const post = (body: string) => new Request("http://x/", { method: "POST", body });
 * const body = await readBodyCapped(post("12345"), { maxBytes: 10, timeoutMs: 1000 });
 * assert.equal(body.length, 5);
 * await assert.rejects(readBodyCapped(post("12345"), { maxBytes: 4, timeoutMs: 1000 }), {
 *   status: 413,
 * });
 * ```
 */
export async function readBodyCapped(
  request: Request,
  limits: BodyLimits,
): Promise<Uint8Array<ArrayBuffer>> {
  const { maxBytes, timeoutMs } = limits;
  const announced = request.headers.get("content-length");
  if (announced !== null && Number(announced) > maxBytes) {
    throw tooLarge(maxBytes, `${announced} bytes`);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HttpError(408, `request body not received within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    while (true) {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) break;
      total += value.length;
      if (total > maxBytes) throw tooLarge(maxBytes, "more");
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {}); // the client may be gone already
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, `request body could not be read (${(error as Error).message})`);
  } finally {
    clearTimeout(timer);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

function tooLarge(maxBytes: number, got: string): HttpError {
  return new HttpError(
    413,
    `request body too large: ${got}, at most ${maxBytes.toLocaleString("en-US")} bytes accepted`,
  );
}

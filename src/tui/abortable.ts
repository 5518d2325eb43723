/** Waiting for something a screen's work cannot cancel, without making the screen wait. */

/**
 * Resolves like `promise`, or with undefined as soon as `signal` aborts: work that awaits a
 * shared load (the session's MNIST data) can end at once when its screen is left, while the
 * load itself goes on for the next screen. A later rejection of `promise` is handled here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unlessAborted } from "./abortable.ts";
 *
 * const abort = new AbortController();
 * const slow = new Promise<string>((resolve) => setTimeout(() => resolve("data"), 50));
 * const waiting = unlessAborted(slow, abort.signal);
 * abort.abort();
 * assert.equal(await waiting, undefined);
 * assert.equal(await unlessAborted(slow, new AbortController().signal), "data");
 * ```
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

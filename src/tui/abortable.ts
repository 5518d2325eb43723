/** Waiting in a screen's work without holding up the screen: a load it cannot cancel, a pause. */

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

/**
 * Resolves after `ms`, or at once when `signal` aborts (the timer is cleared then): work that
 * waits for the user to pause, and is restarted by their next key, ends without a trace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pause } from "./abortable.ts";
 *
 * const abort = new AbortController();
 * const start = performance.now();
 * const waiting = pause(10_000, abort.signal);
 * abort.abort();
 * await waiting;
 * assert.ok(performance.now() - start < 5_000);
 * ```
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

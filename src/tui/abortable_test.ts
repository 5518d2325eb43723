import assert from "node:assert/strict";
import { unlessAborted } from "./abortable.ts";

Deno.test("unlessAborted: the value, or undefined once aborted; a late rejection is handled", async () => {
  assert.equal(await unlessAborted(Promise.resolve(3), new AbortController().signal), 3);
  await assert.rejects(
    unlessAborted(Promise.reject(new Error("damaged file")), new AbortController().signal),
    /damaged file/,
  );
  // Aborted while waiting: resolves at once; the load failing later is no unhandled rejection.
  const abort = new AbortController();
  let fail!: (error: Error) => void;
  const load = new Promise<number>((_, reject) => (fail = reject));
  const waiting = unlessAborted(load, abort.signal);
  abort.abort();
  assert.equal(await waiting, undefined);
  fail(new Error("too late"));
  await new Promise((resolve) => setTimeout(resolve, 10));
  // Already aborted before it started.
  const rejected = Promise.reject(new Error("ignored"));
  assert.equal(await unlessAborted(rejected, abort.signal), undefined);
  await new Promise((resolve) => setTimeout(resolve, 10));
});

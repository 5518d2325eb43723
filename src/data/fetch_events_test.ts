import assert from "node:assert/strict";
import { formatFetchEvent } from "./fetch_events.ts";

const mirror = "https://ossci-datasets.s3.amazonaws.com/mnist/";

Deno.test("each download event becomes one plain line; progress stays silent", () => {
  const file = "train-images-idx3-ubyte.gz";
  assert.equal(
    formatFetchEvent({
      kind: "start",
      file,
      mirror,
      url: `${mirror}${file}`,
      totalBytes: 9_912_422,
    }),
    `downloading train-images-idx3-ubyte.gz (9.9 MB) from ${mirror}`,
  );
  assert.equal(
    formatFetchEvent({
      kind: "start",
      file: "t10k-labels-idx1-ubyte.gz",
      mirror,
      url: "",
      totalBytes: 4_542,
    }),
    `downloading t10k-labels-idx1-ubyte.gz (4.5 kB) from ${mirror}`,
  );
  assert.equal(
    formatFetchEvent({ kind: "progress", file, mirror, receivedBytes: 10, totalBytes: 20 }),
    undefined,
  );
  assert.equal(
    formatFetchEvent({ kind: "verified", file, mirror, path: `data/${file}`, totalBytes: 1 }),
    "train-images-idx3-ubyte.gz: checksum ok, saved as data/train-images-idx3-ubyte.gz",
  );
  assert.equal(
    formatFetchEvent({ kind: "skipped", file, path: `data/${file}` }),
    "train-images-idx3-ubyte.gz: already present and verified, skipped",
  );
  assert.equal(
    formatFetchEvent({
      kind: "mirror-failed",
      file,
      mirror,
      reason: "HTTP 403 Forbidden",
      nextMirror: "http://b/",
    }),
    `train-images-idx3-ubyte.gz: ${mirror} failed (HTTP 403 Forbidden); trying http://b/`,
  );
  assert.equal(
    formatFetchEvent({ kind: "mirror-failed", file, mirror, reason: "x" }),
    `train-images-idx3-ubyte.gz: ${mirror} failed (x); no mirrors left`,
  );
  assert.equal(
    formatFetchEvent({ kind: "done", dataDir: "data", downloaded: 1, skipped: 3 }),
    "MNIST ready in data: 1 downloaded, 3 already present",
  );
});

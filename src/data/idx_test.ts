import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { MNIST_DIR, skipUnless } from "../../tests/env.ts";
import { IMAGE_PIXELS } from "./dataset.ts";
import {
  gunzipCapped,
  isGzip,
  MAX_IDX_BYTES,
  parseIdx,
  readIdxBytes,
  readIdxDataset,
  readIdxImages,
  readIdxLabels,
} from "./idx.ts";

const ignore = skipUnless(import.meta, "mnist");

/** Builds an IDX file: big-endian magic, sizes, then `payloadBytes` bytes of value 1. */
function idx(magic: number, sizes: number[], payloadBytes: number): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * sizes.length + payloadBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  sizes.forEach((size, i) => view.setUint32(4 + 4 * i, size));
  bytes.fill(1, 4 + 4 * sizes.length);
  return bytes;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function assertUserError(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

async function assertRejectsUserError(promise: Promise<unknown>, pattern: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test({
  name: "real MNIST training set: 60,000 28x28 images, labels 0..9, first label 5",
  ignore,
  fn: async () => {
    const train = await readIdxDataset(
      `${MNIST_DIR}/train-images-idx3-ubyte.gz`,
      `${MNIST_DIR}/train-labels-idx1-ubyte.gz`,
    );
    assert.equal(train.count, 60_000);
    assert.equal(train.pixels.length, 60_000 * IMAGE_PIXELS);
    assert.equal(train.labels.length, 60_000);
    assert.equal(train.labels[0], 5);
    const perDigit = new Array(10).fill(0);
    for (const label of train.labels) perDigit[label]++;
    assert.deepEqual(perDigit, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    // Ink is bright: the first image (a 5) has some full-ink pixels and mostly background.
    const first = train.pixels.subarray(0, IMAGE_PIXELS);
    assert.equal(Math.max(...first), 255);
    assert.ok(first.filter((p) => p === 0).length > 600);
  },
});

Deno.test({
  name: "real MNIST test set: 10,000 images, first label 7",
  ignore,
  fn: async () => {
    const images = await readIdxImages(`${MNIST_DIR}/t10k-images-idx3-ubyte.gz`);
    const labels = await readIdxLabels(`${MNIST_DIR}/t10k-labels-idx1-ubyte.gz`);
    assert.equal(images.count, 10_000);
    assert.equal(labels.count, 10_000);
    assert.equal(labels.labels[0], 7);
    assert.equal(images.pixels.length, 10_000 * IMAGE_PIXELS);
  },
});

Deno.test({
  name: "uncompressed files and gzip files without a .gz name read the same",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const gz = await Deno.readFile(`${MNIST_DIR}/t10k-labels-idx1-ubyte.gz`);
      const raw = await readIdxBytes(`${MNIST_DIR}/t10k-labels-idx1-ubyte.gz`);
      assert.equal(raw.length, 10_008);
      await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, raw);
      await Deno.writeFile(`${dir}/labels-gzip-without-suffix`, gz);
      const fromRaw = await readIdxLabels(`${dir}/t10k-labels-idx1-ubyte`);
      const fromGzNoSuffix = await readIdxLabels(`${dir}/labels-gzip-without-suffix`);
      assert.deepEqual(fromRaw.labels, fromGzNoSuffix.labels);
      assert.equal(fromRaw.labels[0], 7);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("parseIdx reads crafted images and labels", () => {
  const images = parseIdx(idx(2051, [2, 28, 28], 2 * IMAGE_PIXELS), "x");
  assert.equal(images.kind, "images");
  assert.equal(images.count, 2);
  const labels = parseIdx(idx(2049, [3], 3), "y");
  assert.equal(labels.kind, "labels");
  assert.equal(labels.count, 3);
});

Deno.test("parseIdx rejects a bad magic number, naming the file and the expected kind", () => {
  assertUserError(
    () => parseIdx(idx(1234, [10], 10), "t10k-labels-idx1-ubyte.gz", "labels"),
    /^t10k-labels-idx1-ubyte\.gz: bad magic number 1234, expected 2049 \(labels\)$/,
  );
  assertUserError(
    () => parseIdx(idx(2049, [10], 10), "imgs", "images"),
    /^imgs: bad magic number 2049, expected 2051 \(images\)$/,
  );
  assertUserError(
    () => parseIdx(idx(0x0d03, [1, 28, 28], 4 * IMAGE_PIXELS), "f"),
    /bad magic number 3331, expected 2051 \(images\) or 2049 \(labels\) \(data type 0x0d/,
  );
});

Deno.test("parseIdx rejects images that are not 28x28", () => {
  assertUserError(
    () => parseIdx(idx(2051, [1, 32, 32], 32 * 32), "big", "images"),
    /^big: images are 32x32, expected 28x28$/,
  );
});

Deno.test("parseIdx rejects truncated data and headers", () => {
  assertUserError(
    () => parseIdx(idx(2049, [10_000], 4992), "t10k-labels-idx1-ubyte.gz", "labels"),
    /^t10k-labels-idx1-ubyte\.gz: truncated: expected 10008 bytes, got 5000$/,
  );
  assertUserError(
    () => parseIdx(idx(2051, [1], 0), "short", "images"),
    /^short: truncated: expected at least 16 bytes of IDX header, got 8$/,
  );
  assertUserError(() => parseIdx(new Uint8Array(2), "tiny"), /^tiny: truncated/);
});

Deno.test("parseIdx rejects trailing bytes", () => {
  assertUserError(
    () => parseIdx(idx(2049, [3], 5), "labels", "labels"),
    /^labels: 2 trailing bytes after 3 labels: expected 11 bytes, got 13$/,
  );
});

Deno.test("readIdxLabels rejects a label outside 0..9", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = idx(2049, [3], 3);
    bytes[8 + 2] = 12;
    await Deno.writeFile(`${dir}/labels`, bytes);
    await assertRejectsUserError(
      readIdxLabels(`${dir}/labels`),
      /labels: label 12 at index 2 is not a digit 0\.\.9$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readIdxDataset rejects image and label counts that differ", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/images.gz`, await gzip(idx(2051, [2, 28, 28], 2 * IMAGE_PIXELS)));
    await Deno.writeFile(`${dir}/labels`, idx(2049, [3], 3));
    await assertRejectsUserError(
      readIdxDataset(`${dir}/images.gz`, `${dir}/labels`),
      /images\.gz holds 2 images but .*labels holds 3 labels/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a .gz file that is not gzip, or corrupt gzip, is a UserError naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/fake.gz`, idx(2049, [3], 3));
    await assertRejectsUserError(
      readIdxLabels(`${dir}/fake.gz`),
      /fake\.gz: not gzip data \/ corrupt gzip/,
    );
    const good = await gzip(idx(2049, [3], 3));
    const corrupt = good.slice(0, good.length - 6); // cut off the deflate end and trailer
    corrupt[12] ^= 0xff;
    await Deno.writeFile(`${dir}/corrupt.gz`, corrupt);
    await assertRejectsUserError(
      readIdxLabels(`${dir}/corrupt.gz`),
      /corrupt\.gz: not gzip data \/ corrupt gzip/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing file is a UserError, not a stack trace", async () => {
  await assertRejectsUserError(
    readIdxImages("/nonexistent/x.gz"),
    /^\/nonexistent\/x\.gz: file not found$/,
  );
});

Deno.test("a gzip bomb stops at the cap instead of inflating everything", async () => {
  // 64 MiB of zeros compress to about 64 KiB; the cap is about 48 MB.
  const zeros = new Uint8Array(64 << 20);
  const bomb = await gzip(zeros);
  assert.ok(bomb.length < 1 << 20);
  assert.ok(isGzip(bomb));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/bomb-idx3-ubyte.gz`, bomb);
    await assertRejectsUserError(
      readIdxImages(`${dir}/bomb-idx3-ubyte.gz`),
      new RegExp(`bomb-idx3-ubyte\\.gz: decompresses to more than ${MAX_IDX_BYTES} bytes`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // A small cap shows the stop happens as soon as the output passes it.
  await assertRejectsUserError(
    gunzipCapped(await gzip(new Uint8Array(100_000)), "small", 1000),
    /^small: decompresses to more than 1000 bytes/,
  );
});

Deno.test({
  name: "the full training images parse quickly once inflated",
  ignore,
  fn: async () => {
    const raw = await readIdxBytes(`${MNIST_DIR}/train-images-idx3-ubyte.gz`);
    const start = performance.now();
    const parsed = parseIdx(raw, "train-images-idx3-ubyte", "images");
    const elapsedMs = performance.now() - start;
    assert.equal(parsed.count, 60_000);
    // Parsing is header checks plus a view: no per-pixel work at all.
    assert.ok(elapsedMs < 50, `parse took ${elapsedMs.toFixed(1)} ms`);
  },
});

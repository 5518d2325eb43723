import assert from "node:assert/strict";
import { findMnistFile, MNIST_FILES, resolveDataDir } from "./locate.ts";
import { MNIST_DIR, skipUnless } from "../../tests/env.ts";

const ignore = skipUnless(import.meta, "mnist");

/** Makes a temp folder holding empty stand-ins for the given file names. */
async function folderWith(names: string[]): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const name of names) await Deno.writeFile(`${dir}/${name}`, new Uint8Array());
  return dir;
}

Deno.test({
  name: "the real MNIST folder holds all four files, as .gz",
  ignore,
  fn: () => {
    const status = resolveDataDir(MNIST_DIR);
    assert.equal(status.complete, true);
    assert.deepEqual(status.missing, []);
    assert.equal(status.origin, "flag");
    assert.deepEqual(status.checked, [MNIST_DIR]);
    assert.equal(
      status.paths["train-images-idx3-ubyte"],
      `${MNIST_DIR}/train-images-idx3-ubyte.gz`,
    );
  },
});

Deno.test({
  name: "--data-dir wins over $MNIST_DIR and reports what is missing",
  fn: async () => {
    const partial = await folderWith(["train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte"]);
    try {
      const status = resolveDataDir(partial, { mnistDir: MNIST_DIR });
      assert.equal(status.dir, partial);
      assert.equal(status.exists, true);
      assert.equal(status.complete, false);
      assert.deepEqual(status.missing, ["train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"]);
      assert.deepEqual(status.checked, [partial]);
      assert.equal(status.paths["t10k-labels-idx1-ubyte"], `${partial}/t10k-labels-idx1-ubyte`);
    } finally {
      await Deno.remove(partial, { recursive: true });
    }
  },
});

Deno.test("a --data-dir that does not exist is reported as such", () => {
  const status = resolveDataDir("/nonexistent/mnist");
  assert.equal(status.exists, false);
  assert.equal(status.complete, false);
  assert.deepEqual(status.missing, [...MNIST_FILES]);
});

Deno.test("mixed .gz and uncompressed files count; uncompressed is preferred", async () => {
  const dir = await folderWith([
    "train-images-idx3-ubyte",
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte.gz",
  ]);
  try {
    const status = resolveDataDir(`${dir}/`);
    assert.equal(status.complete, true);
    assert.equal(status.paths["train-images-idx3-ubyte"], `${dir}/train-images-idx3-ubyte`);
    assert.equal(
      findMnistFile(dir, "train-labels-idx1-ubyte"),
      `${dir}/train-labels-idx1-ubyte.gz`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a folder named like a file does not count", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/train-images-idx3-ubyte`);
    assert.equal(findMnistFile(dir, "train-images-idx3-ubyte"), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "$MNIST_DIR is used when complete, before the default folder",
  ignore,
  fn: async () => {
    const fallback = await folderWith(MNIST_FILES.map((name) => `${name}.gz`));
    try {
      const status = resolveDataDir(undefined, { mnistDir: MNIST_DIR, defaultDir: fallback });
      assert.equal(status.dir, MNIST_DIR);
      assert.equal(status.origin, "env");
      assert.deepEqual(status.checked, [MNIST_DIR, fallback]);
    } finally {
      await Deno.remove(fallback, { recursive: true });
    }
  },
});

Deno.test({
  name: "an incomplete $MNIST_DIR falls back to a complete default folder",
  ignore,
  fn: async () => {
    const empty = await Deno.makeTempDir();
    try {
      const status = resolveDataDir(undefined, { mnistDir: empty, defaultDir: MNIST_DIR });
      assert.equal(status.dir, MNIST_DIR);
      assert.equal(status.origin, "default");
      assert.equal(status.complete, true);
    } finally {
      await Deno.remove(empty, { recursive: true });
    }
  },
});

Deno.test("when nothing holds MNIST, the first candidate is the target and all are listed", async () => {
  const empty = await Deno.makeTempDir();
  try {
    const status = resolveDataDir(undefined, { mnistDir: empty, defaultDir: "/nonexistent/data" });
    assert.equal(status.dir, empty);
    assert.equal(status.complete, false);
    assert.deepEqual(status.checked, [empty, "/nonexistent/data"]);
    const noEnv = resolveDataDir(undefined, { mnistDir: undefined, defaultDir: empty });
    assert.equal(noEnv.dir, empty);
    assert.equal(noEnv.origin, "default");
    assert.deepEqual(noEnv.checked, [empty]);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("without a lookup, $MNIST_DIR is read from the environment", () => {
  const status = resolveDataDir();
  assert.equal(status.checked[0], Deno.env.get("MNIST_DIR") || "./data");
  assert.equal(status.checked.at(-1), "./data");
});

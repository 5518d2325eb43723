import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { IMAGE_PIXELS } from "./dataset.ts";
import { loadMnist } from "./load.ts";
import { MNIST_DIR, skipUnless } from "../../tests/env.ts";

const ignore = skipUnless(import.meta, "mnist");

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<string> {
  let message = "";
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${error}`);
    message = error.message;
    return true;
  });
  assert.match(message, pattern);
  assert.ok(!message.includes("\n"), "the message is one line");
  return message;
}

Deno.test({
  name: "loads the full MNIST: 60,000 + 10,000 digits, first labels 5 and 7",
  ignore,
  fn: async () => {
    const start = performance.now();
    const data = await loadMnist({ dataDir: MNIST_DIR });
    const elapsedMs = performance.now() - start;
    assert.equal(data.source, "mnist");
    assert.equal(data.description, `MNIST from ${MNIST_DIR}`);
    assert.equal(data.train.count, 60_000);
    assert.equal(data.test.count, 10_000);
    assert.equal(data.train.pixels.length, 60_000 * IMAGE_PIXELS);
    assert.equal(data.train.labels[0], 5);
    assert.equal(data.test.labels[0], 7);
    assert.ok(data.test.labels.every((label) => label <= 9));
    console.log(`full MNIST loaded (gunzip + parse) in ${elapsedMs.toFixed(0)} ms`);
  },
});

Deno.test("sample: true loads the offline sample, whatever the data folder", async () => {
  const data = await loadMnist({ sample: true, dataDir: "/nonexistent" });
  assert.equal(data.source, "sample");
  assert.equal(data.train.count + data.test.count, 10_000);
});

Deno.test("a --data-dir that does not exist is a one-line UserError with both ways out", async () => {
  const message = await rejectsWith(
    loadMnist({ dataDir: "/nonexistent/mnist" }),
    /^--data-dir \/nonexistent\/mnist: folder does not exist; /,
  );
  assert.ok(message.includes("deno task start fetch-data"));
  assert.ok(message.includes("--sample"));
});

Deno.test("a folder without the four files says which are missing and how to get them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Presence is all that is checked before loading, so an empty stand-in will do.
    await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte.gz`, new Uint8Array());
    const message = await rejectsWith(
      loadMnist({ dataDir: dir }),
      new RegExp(
        `^MNIST data not found: ${dir} lacks train-images-idx3-ubyte\\[\\.gz\\], ` +
          `train-labels-idx1-ubyte\\[\\.gz\\], t10k-labels-idx1-ubyte\\[\\.gz\\]; `,
      ),
    );
    assert.ok(message.includes("deno task start fetch-data"));
    assert.ok(message.includes("--sample"));
    await Deno.remove(`${dir}/t10k-images-idx3-ubyte.gz`);
    await rejectsWith(loadMnist({ dataDir: dir }), /holds none of the 4 MNIST files/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "a damaged file in the folder is a UserError naming that file",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      for (
        const name of [
          "train-images-idx3-ubyte",
          "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte",
        ]
      ) {
        await Deno.copyFile(`${MNIST_DIR}/${name}.gz`, `${dir}/${name}.gz`);
      }
      // Uncompressed labels cut to half: header says 10,000 labels, only 4,992 are there.
      const labels = new Uint8Array(5000);
      new DataView(labels.buffer).setUint32(0, 2049);
      new DataView(labels.buffer).setUint32(4, 10_000);
      await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, labels);
      await rejectsWith(
        loadMnist({ dataDir: dir }),
        new RegExp(`^${dir}/t10k-labels-idx1-ubyte: truncated: expected 10008 bytes, got 5000$`),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

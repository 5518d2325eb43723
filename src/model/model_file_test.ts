import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import {
  loadModelFile,
  MODEL_FORMAT_VERSION,
  type ModelFile,
  type ModelMetadata,
  requireTensor,
  saveModelFile,
} from "./model_file.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";

/** A small model with every tricky float bit pattern and nested metadata. */
function sampleModel(seed = 1): ModelFile {
  const weight = new Float32Array(6 * 4);
  for (let i = 0; i < weight.length; i++) weight[i] = Math.sin(seed * 1000 + i) * 0.1;
  weight[0] = -0;
  weight[1] = 1.401298464324817e-45;
  weight[2] = -3.4028234663852886e38;
  const metadata: ModelMetadata = {
    format: "digits-model",
    formatVersion: MODEL_FORMAT_VERSION,
    layers: [6, 4, 2],
    training: { epochs: seed, optimizer: "adam", accuracy: 0.9812 },
  };
  return {
    metadata,
    tensors: [
      { name: "layers.0.weight", shape: [6, 4], data: weight },
      { name: "layers.0.bias", shape: [4], data: new Float32Array([0.1, -0.2, 0, -0]) },
      { name: "layers.1.weight", shape: [4, 2], data: new Float32Array(8).fill(seed) },
      { name: "layers.1.bias", shape: [2], data: new Float32Array(2) },
    ],
  };
}

function assertSameModel(actual: ModelFile, expected: ModelFile): void {
  assert.deepEqual(actual.metadata, expected.metadata);
  assert.deepEqual(
    actual.tensors.map((t) => [t.name, t.shape]),
    expected.tensors.map((t) => [t.name, t.shape]),
  );
  actual.tensors.forEach((tensor, i) => {
    const want = expected.tensors[i].data;
    assert.deepEqual(
      new Uint32Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length),
      new Uint32Array(want.buffer, want.byteOffset, want.length),
      tensor.name,
    );
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Asserts that `promise` rejects with a one-line UserError equal to, or containing, `message`. */
async function assertUserError(promise: Promise<unknown>, message: string | RegExp) {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

Deno.test("save then load gives back the same metadata, tensor order and bits", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/default.safetensors`;
    const model = sampleModel();
    await saveModelFile(path, model);
    assertSameModel(await loadModelFile(path), model);
    assert.deepEqual(await listDir(dir), ["default.safetensors"], "no other file is created");
  });
});

Deno.test("the file carries plain format fields and the JSON metadata for other tools", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/m.safetensors`;
    await saveModelFile(path, sampleModel());
    const { metadata } = decodeSafetensors(await Deno.readFile(path), path);
    assert.equal(metadata.format, "digits-model");
    assert.equal(metadata.format_version, "2");
    assert.deepEqual(JSON.parse(metadata.digits), sampleModel().metadata);
  });
});

Deno.test("saving into a folder that does not exist fails cleanly and creates nothing", async () => {
  await withTempDir(async (dir) => {
    await assertUserError(
      saveModelFile(`${dir}/missing/m.safetensors`, sampleModel()),
      `cannot write ${dir}/missing/m.safetensors: folder ${dir}/missing does not exist`,
    );
    assert.deepEqual(await listDir(dir), []);
  });
});

Deno.test("a failed save over a good model keeps the old one loadable and leaves no temp file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/default.safetensors`;
    const original = sampleModel(1);
    await saveModelFile(path, original);

    // Simulate a disk filling up halfway through the write of the new model.
    const realOpen = Deno.open;
    let sawPartialWrite = false;
    Deno.open = async (...args: Parameters<typeof Deno.open>) => {
      const file = await realOpen(...args);
      const realWrite = file.write.bind(file);
      file.write = async (bytes: Uint8Array) => {
        await realWrite(bytes.subarray(0, Math.floor(bytes.length / 2)));
        sawPartialWrite = true;
        throw new Error("No space left on device (os error 28)");
      };
      return file;
    };
    try {
      await assertUserError(
        saveModelFile(path, sampleModel(2)),
        `cannot write ${path}: no space left on the device`,
      );
    } finally {
      Deno.open = realOpen;
    }
    assert.ok(sawPartialWrite, "the simulated failure happened mid-write");
    assertSameModel(await loadModelFile(path), original);
    assert.deepEqual(await listDir(dir), ["default.safetensors"]);
  });
});

Deno.test("a model holding NaN is refused before anything is written", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/m.safetensors`;
    const original = sampleModel(1);
    await saveModelFile(path, original);
    const diverged = sampleModel(2);
    diverged.tensors[2].data[5] = NaN;
    await assertUserError(
      saveModelFile(path, diverged),
      new RegExp(
        `^cannot write ${
          escapeRegExp(path)
        }: tensor layers\\.1\\.weight holds a non-finite value at index 5`,
      ),
    );
    assertSameModel(await loadModelFile(path), original);
    assert.deepEqual(await listDir(dir), ["m.safetensors"]);
  });
});

Deno.test("loading a path that is missing, a folder or unreadable names the problem", async () => {
  await withTempDir(async (dir) => {
    await assertUserError(
      loadModelFile(`${dir}/x.safetensors`),
      `${dir}/x.safetensors: no such model file`,
    );
    await Deno.mkdir(`${dir}/folder.safetensors`);
    await assertUserError(
      loadModelFile(`${dir}/folder.safetensors`),
      `${dir}/folder.safetensors: is a folder, expected a model file`,
    );

    const locked = `${dir}/locked.safetensors`;
    await saveModelFile(locked, sampleModel());
    await Deno.chmod(locked, 0o000);
    const osDenies = await Deno.readFile(locked).then(() => false, () => true);
    // Root reads mode-000 files anyway; then stand in the error the OS gives everyone else.
    const realReadFile = Deno.readFile;
    if (!osDenies) {
      Deno.readFile = () =>
        Promise.reject(new Deno.errors.PermissionDenied("Permission denied (os error 13)"));
    }
    try {
      await assertUserError(loadModelFile(locked), `${locked}: permission denied`);
    } finally {
      Deno.readFile = realReadFile;
    }
  });
});

Deno.test("empty, random, truncated and foreign files are refused with the reason", async () => {
  await withTempDir(async (dir) => {
    const empty = `${dir}/empty.safetensors`;
    await Deno.writeFile(empty, new Uint8Array());
    await assertUserError(loadModelFile(empty), `${empty}: not a model file (the file is empty)`);

    // Seeded "random" bytes so a failure is reproducible.
    const noise = new Uint8Array(1024);
    let state = 12345;
    for (let i = 0; i < noise.length; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      noise[i] = state >>> 24;
    }
    const random = `${dir}/random.safetensors`;
    await Deno.writeFile(random, noise);
    await assertUserError(
      loadModelFile(random),
      new RegExp(
        `^${
          escapeRegExp(random)
        }: not a model file \\(header length \\d+ exceeds file size 1024\\)$`,
      ),
    );

    // A real model cut short, as an interrupted copy or download leaves it.
    const truncated = `${dir}/truncated.safetensors`;
    const big = sampleModel();
    big.tensors[0] = {
      name: "layers.0.weight",
      shape: [784, 128],
      data: new Float32Array(784 * 128),
    };
    await saveModelFile(truncated, big);
    const full = await Deno.readFile(truncated);
    const headerEnd = 8 + Number(new DataView(full.buffer).getBigUint64(0, true));
    const tensorBytes = full.length - headerEnd;
    await Deno.writeFile(truncated, full.subarray(0, headerEnd + 2000));
    await assertUserError(
      loadModelFile(truncated),
      `${truncated}: truncated: header says ${tensorBytes} bytes of tensors, file has 2000`,
    );

    const foreign = `${dir}/foreign.safetensors`;
    await Deno.writeFile(
      foreign,
      encodeSafetensors([{ name: "w", shape: [1], data: new Float32Array([1]) }], { format: "pt" }),
    );
    await assertUserError(
      loadModelFile(foreign),
      `${foreign}: not a digits model: no "digits" metadata`,
    );
  });
});

Deno.test("bad or newer digits metadata is refused", async () => {
  await withTempDir(async (dir) => {
    const cases: [string, string, string][] = [
      ["{oops", `not a digits model: the "digits" metadata is not valid JSON`, "json"],
      ["[1]", `not a digits model: the "digits" metadata is not a JSON object`, "array"],
      [
        JSON.stringify({ format: "other", formatVersion: 1 }),
        `not a digits model: format is "other", expected "digits-model"`,
        "format",
      ],
      [
        JSON.stringify({ format: "digits-model", formatVersion: "1" }),
        `invalid model file: formatVersion "1" is not a positive integer`,
        "version-string",
      ],
      [
        JSON.stringify({ format: "digits-model", formatVersion: 3 }),
        "model format version 3 is newer than this program reads (version 2); update digits to load it",
        "newer",
      ],
    ];
    for (const [digits, reason, label] of cases) {
      const path = `${dir}/${label}.safetensors`;
      await Deno.writeFile(path, encodeSafetensors([], { digits }));
      await assertUserError(loadModelFile(path), `${path}: ${reason}`);
    }
  });
});

Deno.test("requireTensor returns the data or names the tensor and both shapes", () => {
  const model = sampleModel();
  const bias = requireTensor(model, "layers.0.bias", [4], "m.safetensors");
  assert.equal(bias, model.tensors[1].data);
  assert.throws(
    () => requireTensor(model, "layers.2.weight", [4, 10], "m.safetensors"),
    new UserError("m.safetensors: tensor layers.2.weight is missing (expected shape [4 x 10])"),
  );
  assert.throws(
    () => requireTensor(model, "layers.0.weight", [784, 128], "m.safetensors"),
    new UserError("m.safetensors: tensor layers.0.weight has shape [6 x 4], expected [784 x 128]"),
  );
  assert.throws(
    () => requireTensor(model, "layers.0.bias", [4, 1], "m.safetensors"),
    new UserError("m.safetensors: tensor layers.0.bias has shape [4], expected [4 x 1]"),
  );
});

import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.ts";

/** Bit patterns that a careless float copy would lose: -0, subnormals, the extremes. */
const TRICKY_FLOATS = [
  0,
  -0,
  1,
  -1,
  1.401298464324817e-45, // smallest subnormal
  -1.401298464324817e-45,
  1.1754942106924411e-38, // largest subnormal
  1.1754943508222875e-38, // smallest normal
  3.4028234663852886e38, // largest finite f32
  -3.4028234663852886e38,
  Math.PI,
  1 / 3,
];

/** Builds a file by hand, independent of the encoder: length, JSON header (unpadded), data. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array()): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  return withHeaderBytes(json, data);
}

function withHeaderBytes(json: Uint8Array, data: Uint8Array = new Uint8Array()): Uint8Array {
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

/** Little-endian f32 bytes, written with DataView so the test does not share the encoder's copy. */
function f32Bytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return bytes;
}

function f32(shape: number[], begin: number, end: number) {
  return { dtype: "F32", shape, data_offsets: [begin, end] };
}

function bitsOf(values: Float32Array): number[] {
  return [...new Uint32Array(values.buffer, values.byteOffset, values.length)];
}

async function decodeFromDisk(dir: string, name: string, bytes: Uint8Array) {
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, bytes);
  return decodeSafetensors(await Deno.readFile(path), path);
}

Deno.test("round trip through a file keeps every float bit-identical, shapes and metadata", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tensors: NamedTensor[] = [
      { name: "layers.0.weight", shape: [3, 4], data: new Float32Array(TRICKY_FLOATS) },
      { name: "layers.0.bias", shape: [4], data: new Float32Array([-0, 0, 2.5, -7]) },
      { name: "empty", shape: [2, 0], data: new Float32Array(0) },
      { name: "scalar", shape: [], data: new Float32Array([42]) },
    ];
    const metadata = { format: "digits-model", note: 'quotes " and ünïcode ✓', "": "" };
    const { tensors: loaded, metadata: loadedMetadata } = await decodeFromDisk(
      dir,
      "m.safetensors",
      encodeSafetensors(tensors, metadata),
    );
    assert.deepEqual(loadedMetadata, metadata);
    assert.deepEqual([...loaded.keys()], tensors.map((t) => t.name));
    for (const tensor of tensors) {
      const got = loaded.get(tensor.name)!;
      assert.deepEqual(got.shape, tensor.shape);
      assert.deepEqual(bitsOf(got.data), bitsOf(tensor.data), tensor.name);
    }
    assert.ok(Object.is(loaded.get("layers.0.bias")!.data[0], -0));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an independent hand-written reader parses what the encoder writes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/m.safetensors`;
    const weight = [1.5, -2, 0.25, 1e-40, -0, 3];
    await Deno.writeFile(
      path,
      encodeSafetensors([
        { name: "layers.0.weight", shape: [2, 3], data: new Float32Array(weight) },
        { name: "layers.0.bias", shape: [3], data: new Float32Array([7, 8, 9]) },
      ], { format: "digits-model" }),
    );

    const bytes = await Deno.readFile(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    assert.equal(headerLength % 8, 0, "header padded to a multiple of 8");
    const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    assert.match(headerText, /^\{.*\} *$/s, "JSON followed only by space padding");
    const header = JSON.parse(headerText);
    assert.deepEqual(Object.keys(header), ["__metadata__", "layers.0.weight", "layers.0.bias"]);
    assert.deepEqual(header.__metadata__, { format: "digits-model" });
    assert.deepEqual(header["layers.0.weight"], f32([2, 3], 0, 24));
    assert.deepEqual(header["layers.0.bias"], f32([3], 24, 36));
    assert.equal(bytes.length, 8 + headerLength + 36, "no bytes after the last tensor");

    const start = 8 + headerLength;
    const read = (i: number) => view.getFloat32(start + i * 4, true);
    assert.deepEqual(
      Array.from({ length: 6 }, (_, i) => read(i)),
      [...new Float32Array(weight)],
    );
    assert.ok(Object.is(read(4), -0));
    assert.deepEqual([read(6), read(7), read(8)], [7, 8, 9]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodes a file from another writer whose data section is not aligned", () => {
  // Header of odd length and no padding: the tensor bytes start at an odd offset.
  let headerText = JSON.stringify({ w: f32([3], 0, 12) });
  if (headerText.length % 2 === 0) headerText += " ";
  const json = new TextEncoder().encode(headerText);
  const file = withHeaderBytes(json, f32Bytes([1.5, -0, 3e38]));
  // Also start the whole file at an odd byte offset inside a larger buffer.
  const shifted = new Uint8Array(file.length + 1);
  shifted.set(file, 1);
  const { tensors, metadata } = decodeSafetensors(shifted.subarray(1), "odd.safetensors");
  assert.deepEqual(metadata, {});
  const w = tensors.get("w")!.data;
  assert.equal(w.byteOffset % 4, 0);
  assert.deepEqual([...w], [1.5, -0, new Float32Array([3e38])[0]]);
  assert.ok(Object.is(w[1], -0));
});

/** Each corrupt file and the reason its error message must give. */
const CORRUPT_FILES: [string, Uint8Array, string][] = [
  ["empty file", new Uint8Array(), "not a model file (the file is empty)"],
  ["shorter than 8 bytes", new Uint8Array(5), "not a model file (only 5 bytes"],
  ["header length 0", new Uint8Array(16), "not a model file (header length 0)"],
  [
    "header length beyond the file",
    (() => {
      const bytes = new Uint8Array(1024);
      new DataView(bytes.buffer).setBigUint64(0, 7311138132n, true);
      return bytes;
    })(),
    "not a model file (header length 7311138132 exceeds file size 1024)",
  ],
  [
    "header length a little beyond the file",
    (() => {
      const bytes = new Uint8Array(24);
      new DataView(bytes.buffer).setBigUint64(0, 20n, true);
      return bytes;
    })(),
    "truncated: header length 20 needs 28 bytes, file has 24",
  ],
  [
    "header not UTF-8",
    withHeaderBytes(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
    "header is not UTF-8 text",
  ],
  [
    "header not JSON",
    withHeaderBytes(new TextEncoder().encode("{not json")),
    "header is not valid JSON",
  ],
  ["header an array", rawFile([1, 2]), "header is not a JSON object"],
  ["header null", rawFile(null), "header is not a JSON object"],
  ["metadata not an object", rawFile({ __metadata__: "x" }), "__metadata__ is not a JSON object"],
  [
    "metadata value not a string",
    rawFile({ __metadata__: { epochs: 3 } }),
    'metadata value "epochs" is not a string',
  ],
  ["tensor entry not an object", rawFile({ w: 5 }), "tensor w: entry is not a JSON object"],
  [
    "missing dtype",
    rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, f32Bytes([1])),
    'tensor w is missing "dtype"',
  ],
  [
    "missing shape",
    rawFile({ w: { dtype: "F32", data_offsets: [0, 4] } }, f32Bytes([1])),
    'tensor w is missing "shape"',
  ],
  [
    "missing data_offsets",
    rawFile({ w: { dtype: "F32", shape: [1] } }, f32Bytes([1])),
    'tensor w is missing "data_offsets"',
  ],
  [
    "dtype F16",
    rawFile({ w: { ...f32([2], 0, 4), dtype: "F16" } }, new Uint8Array(4)),
    'tensor w has dtype "F16", only "F32" is supported',
  ],
  ["negative shape", rawFile({ w: f32([-1], 0, 4) }), "tensor w has shape [-1], expected"],
  ["fractional shape", rawFile({ w: f32([1.5], 0, 4) }), "tensor w has shape [1.5], expected"],
  ["string shape", rawFile({ w: f32(["2"] as never, 0, 8) }), 'tensor w has shape ["2"]'],
  [
    "one data offset",
    rawFile({ w: { dtype: "F32", shape: [1], data_offsets: [4] } }),
    "tensor w has data_offsets [4], expected [begin, end]",
  ],
  ["data offsets reversed", rawFile({ w: f32([1], 8, 4) }), "tensor w has data_offsets [8,4]"],
  [
    "truncated tensor data",
    rawFile({ a: f32([2], 0, 8), b: f32([2], 8, 16) }, f32Bytes([1, 2])),
    "truncated: header says 16 bytes of tensors, file has 8",
  ],
  [
    "offsets not matching the shape",
    rawFile({ w: f32([3], 0, 8) }, f32Bytes([1, 2])),
    "tensor w has shape [3] (12 bytes as F32) but data_offsets [0, 8] span 8 bytes",
  ],
  [
    "overlapping tensors",
    rawFile({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, f32Bytes([1, 2, 3])),
    "tensors a and b overlap",
  ],
  [
    "gap between tensors",
    rawFile({ a: f32([2], 0, 8), b: f32([2], 12, 20) }, f32Bytes([1, 2, 3, 4, 5])),
    "gap of 4 bytes between tensors a and b",
  ],
  [
    "gap before the first tensor",
    rawFile({ a: f32([2], 4, 12) }, f32Bytes([1, 2, 3])),
    "gap of 4 bytes before tensor a",
  ],
  [
    "trailing bytes",
    rawFile({ a: f32([2], 0, 8) }, f32Bytes([1, 2, 3])),
    "4 unexpected bytes after the last tensor",
  ],
  [
    "NaN",
    rawFile(
      { "layers.0.weight": f32([20], 0, 80) },
      f32Bytes(Array.from({ length: 20 }, (_, i) => (i === 17 ? NaN : i))),
    ),
    "tensor layers.0.weight holds a non-finite value at index 17",
  ],
  [
    "Infinity",
    rawFile({ b: f32([2], 0, 8) }, f32Bytes([Infinity, 1])),
    "tensor b holds a non-finite value at index 0",
  ],
  [
    "-Infinity",
    rawFile({ b: f32([2], 0, 8) }, f32Bytes([1, -Infinity])),
    "tensor b holds a non-finite value at index 1",
  ],
];

Deno.test("each corrupt file gives a UserError naming the file and the reason", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [label, bytes, reason] of CORRUPT_FILES) {
      await t.step(label, async () => {
        const name = `${label.replaceAll(" ", "_")}.safetensors`;
        await assert.rejects(() => decodeFromDisk(dir, name, bytes), (error: Error) => {
          assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
          assert.ok(
            error.message.startsWith(`${dir}/${name}: `),
            `message names the file: ${error.message}`,
          );
          assert.ok(error.message.includes(reason), `"${error.message}" should say "${reason}"`);
          assert.ok(!error.message.includes("\n"), "one line");
          return true;
        });
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a header length over 100 MB is refused even when the file is that large", () => {
  const bytes = new Uint8Array(100_000_016);
  new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
  assert.throws(
    () => decodeSafetensors(bytes, "huge.safetensors"),
    new UserError(
      "huge.safetensors: not a model file (header length 100000001 exceeds the 100 MB limit)",
    ),
  );
});

Deno.test("a valid file with no tensors and no metadata decodes to empty results", () => {
  const { tensors, metadata } = decodeSafetensors(rawFile({}), "e.safetensors");
  assert.equal(tensors.size, 0);
  assert.deepEqual(metadata, {});
});

Deno.test("the encoder refuses non-finite values and programming mistakes", () => {
  const tensor = (name: string, shape: number[], values: number[]): NamedTensor => ({
    name,
    shape,
    data: new Float32Array(values),
  });
  assert.throws(
    () => encodeSafetensors([tensor("w", [3], [1, NaN, 2])], {}),
    (error: Error) =>
      error instanceof UserError && error.message.startsWith(
        "tensor w holds a non-finite value at index 1",
      ),
  );
  assert.throws(() => encodeSafetensors([tensor("w", [2, 2], [1, 2, 3])], {}), TypeError);
  assert.throws(() => encodeSafetensors([tensor("w", [-1], [])], {}), TypeError);
  assert.throws(
    () => encodeSafetensors([tensor("w", [1], [1]), tensor("w", [1], [2])], {}),
    TypeError,
  );
  assert.throws(() => encodeSafetensors([tensor("__metadata__", [1], [1])], {}), TypeError);
});

Deno.test("tensor names that are special in JavaScript survive the round trip", () => {
  const bytes = encodeSafetensors(
    [{ name: "__proto__", shape: [1], data: new Float32Array([5]) }, {
      name: "0",
      shape: [1],
      data: new Float32Array([6]),
    }],
    Object.fromEntries([["__proto__", "meta"]]),
  );
  const { tensors, metadata } = decodeSafetensors(bytes, "p.safetensors");
  assert.ok(Object.hasOwn(metadata, "__proto__"));
  assert.equal(Object.getOwnPropertyDescriptor(metadata, "__proto__")?.value, "meta");
  assert.equal(tensors.get("__proto__")?.data[0], 5);
  assert.equal(tensors.get("0")?.data[0], 6);
});
